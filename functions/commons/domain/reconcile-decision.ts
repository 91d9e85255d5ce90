import type { DesiredState, SessionStatus } from './session-status.ts';

/** The parts of a session record a reconcile decides on. */
export interface ReconcileRecord {
  readonly ownerHostId?: string | undefined;
  /** Fenced for deletion (its owner is the deleting marker): no host runs it again. */
  readonly deleting?: boolean | undefined;
  readonly epoch: number;
  readonly desired: DesiredState;
  readonly status: SessionStatus;
  readonly logoutRequested?: boolean | undefined;
  readonly restartRequested?: string | undefined;
}

/** A session running on this host, as the reconcile sees it. */
export interface LocalSession {
  readonly epoch: number;
  /** The record's `restartRequested` when this run started. */
  readonly restartToken: string | undefined;
}

export interface ReconcileInput {
  readonly hostId: string;
  /** Undefined: the record is gone. */
  readonly record: ReconcileRecord | undefined;
  readonly local: LocalSession | undefined;
  /** Sessions running here now, and how many may. */
  readonly load: number;
  readonly capacity: number;
}

/**
 * | action      | when                                              | the host…                                  |
 * |-------------|---------------------------------------------------|--------------------------------------------|
 * | unlink      | record gone or being deleted                      | logs the device out, writes nothing more   |
 * | ignore      | another host owns it                              | nothing (after fencing any local run)      |
 * | logout      | logout requested, running here                    | ends it with a logout (wipe, LOGGED_OUT)   |
 * | logout-idle | logout requested, not running here                | claims it, wipes it without reading it     |
 * | keep        | should run and runs here at the record's epoch    | nothing                                    |
 * | restart     | should run, a restart was requested since it began| releases the run, starts a fresh one       |
 * | start       | should run, not running here                      | claims and starts it                       |
 * | hand-back   | should run, not running here, host full           | parks it on the unassigned owner (HOST_FULL)|
 * | stop        | should not run, runs here                         | stops it (STOPPED)                         |
 * | adopt       | should not run, not here, record says running     | claims it and records STOPPED (dead host)  |
 * | idle        | should not run and does not                       | nothing                                    |
 */
export type ReconcileAction =
  | 'unlink'
  | 'ignore'
  | 'logout'
  | 'logout-idle'
  | 'keep'
  | 'restart'
  | 'start'
  | 'hand-back'
  | 'stop'
  | 'adopt'
  | 'idle';

export interface ReconcileDecision {
  /** A local run at another owner or epoch is closed first, without logging out. */
  readonly fenceLocal: boolean;
  readonly action: ReconcileAction;
}

export const RUNNING_STATUSES: ReadonlySet<SessionStatus> = new Set([
  'STARTING',
  'QR',
  'CONNECTED',
  'DISCONNECTED',
]);

/** What to do with one session record given what runs here. Pure. */
export function decideReconcile(input: ReconcileInput): ReconcileDecision {
  const { record, hostId } = input;
  if (!record || record.deleting) return { fenceLocal: false, action: 'unlink' };
  const mine = record.ownerHostId === hostId;
  const fenceLocal = input.local !== undefined && (!mine || input.local.epoch !== record.epoch);
  const local = fenceLocal ? undefined : input.local;
  const decide = (action: ReconcileAction): ReconcileDecision => ({ fenceLocal, action });
  if (!mine) return decide('ignore');
  if (record.logoutRequested) return decide(local ? 'logout' : 'logout-idle');
  if (record.desired === 'RUNNING') {
    if (local) return decide(local.restartToken !== record.restartRequested ? 'restart' : 'keep');
    // A fenced run leaves this host before the new one starts.
    const load = fenceLocal ? input.load - 1 : input.load;
    // Waiting here for room would strand it while other hosts have some: hand it back.
    return decide(load >= input.capacity ? 'hand-back' : 'start');
  }
  if (local) return decide('stop');
  return decide(RUNNING_STATUSES.has(record.status) ? 'adopt' : 'idle');
}

/**
 * Whether an assigned record differs from what runs here enough to deserve a
 * consistent read and a decision. With hundreds of sessions, a read per
 * session per round would be the host's main load.
 */
export function needsAttention(record: ReconcileRecord, local: LocalSession | undefined): boolean {
  if (record.logoutRequested) return true;
  if (record.desired === 'RUNNING') {
    return !local || local.epoch !== record.epoch || local.restartToken !== record.restartRequested;
  }
  return local !== undefined || RUNNING_STATUSES.has(record.status);
}
