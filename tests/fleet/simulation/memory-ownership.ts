import { type AuthPointer, type Fence, FencedError } from '#commons/domain/fence.ts';
import type {
  DeadOwner,
  OwnedSession,
  SessionOwnership,
  StatusPatch,
} from '#commons/domain/session-ownership.ts';
import { UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';

/** A fenced write the table accepted, for the stale-write check. */
export interface AcceptedWrite {
  readonly sessionId: string;
  readonly kind: 'writeStatus' | 'commit' | 'clear' | 'release';
  readonly epoch: number;
  /** The highest epoch ever granted for the session when this write landed. */
  readonly granted: number;
  readonly at: number;
}

export type FencedWrite = AcceptedWrite['kind'];

export interface SessionTableOptions {
  /** Virtual time, to stamp accepted writes. */
  readonly now: () => number;
  /**
   * The broken control: this write is conditioned on the owner only, not the
   * epoch. Never set outside the control test.
   */
  readonly skipEpochOn?: FencedWrite;
  /** The heartbeat version of a host's row (undefined: no row), for the takeover's check. */
  readonly hostVersion: (hostId: string) => number | undefined;
  /** The broken control: a takeover lands without checking the dead host's row. Control test only. */
  readonly skipHostCheck?: boolean;
}

/**
 * The sessions table held in memory, with the conditional writes of
 * DynamoDbSessionOwnership: claim on owner + seen epoch, takeover on dead
 * owner + seen epoch while the dead host's row is as judged, and every later write on owner + epoch (FencedError
 * otherwise). Synchronous: the network decides when each one lands.
 */
export class SessionTable {
  private readonly records = new Map<string, OwnedSession>();
  /** Highest epoch ever granted per session, kept apart from the records the writes change. */
  readonly granted = new Map<string, number>();
  readonly accepted: AcceptedWrite[] = [];

  constructor(private readonly options: SessionTableOptions) {}

  put(record: OwnedSession): void {
    this.records.set(record.sessionId, { ...record });
    this.granted.set(record.sessionId, record.epoch);
  }

  get(sessionId: string): OwnedSession | undefined {
    const record = this.records.get(sessionId);
    return record && { ...record };
  }

  /** The stored epoch, without a copy (the checks read it after every event). */
  epochOf(sessionId: string): number | undefined {
    return this.records.get(sessionId)?.epoch;
  }

  assignedTo(hostId: string): OwnedSession[] {
    return [...this.records.values()].filter((r) => r.ownerHostId === hostId).map((r) => ({ ...r }));
  }

  owners(): string[] {
    return [...new Set([...this.records.values()].flatMap((r) => (r.ownerHostId ? [r.ownerHostId] : [])))];
  }

  claim(sessionId: string, hostId: string, incarnation: string, seenEpoch: number): Fence | undefined {
    const record = this.records.get(sessionId);
    if (!record || record.ownerHostId !== hostId || record.epoch !== seenEpoch) return undefined;
    this.grant(record, hostId);
    record.claimedBy = incarnation;
    return { hostId, epoch: record.epoch };
  }

  takeover(sessionId: string, dead: DeadOwner, seenEpoch: number, hostId: string): boolean {
    const record = this.records.get(sessionId);
    if (!record || record.ownerHostId !== dead.hostId || record.epoch !== seenEpoch) return false;
    // As takeoverCommand: the dead host's row still as judged (the unassigned owner has none).
    const version = this.options.hostVersion(dead.hostId);
    const renewed = version !== undefined && version !== dead.heartbeatVersion;
    if (dead.hostId !== UNASSIGNED_HOST && renewed && !this.options.skipHostCheck) return false;
    this.grant(record, hostId);
    return true;
  }

  release(sessionId: string, fence: Fence, target: string): void {
    const record = this.fenced(sessionId, fence, 'release');
    this.grant(record, target);
  }

  writeStatus(sessionId: string, fence: Fence, patch: StatusPatch, desired?: 'STOPPED'): void {
    const record = this.fenced(sessionId, fence, 'writeStatus');
    record.status = patch.status;
    if (desired) record.desired = desired;
  }

  commit(sessionId: string, fence: Fence, previous: number | undefined, next: AuthPointer): void {
    const record = this.records.get(sessionId);
    if (record && record.authPointer?.version !== previous) {
      throw new FencedError(`commit for ${sessionId} refused: pointer version changed`);
    }
    this.fenced(sessionId, fence, 'commit').authPointer = next;
  }

  clear(sessionId: string, fence: Fence): void {
    delete this.fenced(sessionId, fence, 'clear').authPointer;
  }

  private fenced(sessionId: string, fence: Fence, kind: FencedWrite): OwnedSession {
    const record = this.records.get(sessionId);
    const epochHolds = this.options.skipEpochOn === kind || record?.epoch === fence.epoch;
    if (!record || record.ownerHostId !== fence.hostId || !epochHolds) {
      throw new FencedError(`write for ${sessionId} refused: owner or epoch changed`);
    }
    this.accepted.push({
      sessionId,
      kind,
      epoch: fence.epoch,
      granted: this.granted.get(sessionId) ?? 0,
      at: this.options.now(),
    });
    return record;
  }

  private grant(record: OwnedSession, hostId: string): void {
    record.ownerHostId = hostId;
    record.epoch += 1;
    this.granted.set(record.sessionId, Math.max(this.granted.get(record.sessionId) ?? 0, record.epoch));
  }
}

/** How a host's calls reach the table: through the simulated network, or directly. */
export type Transport = <T>(op: () => T) => Promise<T>;

export const direct: Transport = (op) => Promise.resolve().then(op);

/** SessionOwnership over a SessionTable: what one host sees through its transport. */
export class InMemorySessionOwnership implements SessionOwnership {
  constructor(
    private readonly table: SessionTable,
    private readonly transport: Transport = direct,
  ) {}

  get(sessionId: string): Promise<OwnedSession | undefined> {
    return this.transport(() => this.table.get(sessionId));
  }

  assignedTo(hostId: string): Promise<OwnedSession[]> {
    return this.transport(() => this.table.assignedTo(hostId));
  }

  owners(): Promise<string[]> {
    return this.transport(() => this.table.owners());
  }

  claim(
    sessionId: string,
    hostId: string,
    incarnation: string,
    seenEpoch: number,
  ): Promise<Fence | undefined> {
    return this.transport(() => this.table.claim(sessionId, hostId, incarnation, seenEpoch));
  }

  takeover(sessionId: string, dead: DeadOwner, seenEpoch: number, hostId: string): Promise<boolean> {
    return this.transport(() => this.table.takeover(sessionId, dead, seenEpoch, hostId));
  }

  release(sessionId: string, fence: Fence, target: string): Promise<void> {
    return this.transport(() => this.table.release(sessionId, fence, target));
  }

  writeStatus(sessionId: string, fence: Fence, patch: StatusPatch, desired?: 'STOPPED'): Promise<void> {
    return this.transport(() => this.table.writeStatus(sessionId, fence, patch, desired));
  }

  async load(sessionId: string): Promise<AuthPointer | undefined> {
    return (await this.get(sessionId))?.authPointer;
  }

  commit(sessionId: string, fence: Fence, previous: number | undefined, next: AuthPointer): Promise<void> {
    return this.transport(() => this.table.commit(sessionId, fence, previous, next));
  }

  clear(sessionId: string, fence: Fence): Promise<void> {
    return this.transport(() => this.table.clear(sessionId, fence));
  }
}
