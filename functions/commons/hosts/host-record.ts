/** A session host as registered in the hosts table (written by the host's heartbeat). */
export interface HostRecord {
  readonly hostId: string;
  /** Base URL of its internal HTTP endpoint, e.g. `http://10.0.1.5:8080`. */
  readonly endpoint: string;
  readonly capacity: number;
  /** Sessions it owns. */
  readonly load: number;
  readonly heartbeatVersion: number;
  /** Epoch ms, informational. */
  readonly heartbeatAt: number;
  /** Epoch seconds: last heartbeat + lease. Live only while greater than now. */
  readonly expiresAt: number;
  readonly draining?: boolean | undefined;
}

export function isLive(host: Pick<HostRecord, 'expiresAt'>, now: Date): boolean {
  return host.expiresAt > now.getTime() / 1000;
}

/**
 * The owner recorded for a session that should run while no host is live:
 * hosts look it up like the sessions of a dead host (the byOwner index needs
 * a value to find them) and take them by the same balanced plan.
 */
export const UNASSIGNED_HOST = '~unassigned';

/**
 * The owner of a session being deleted. Moving a session here (with epoch + 1)
 * fences every write of its former owner; no host takes sessions from it, and
 * the record itself goes only once the auth state is wiped, so a failed
 * DELETE is finished by repeating it.
 */
export const DELETING_OWNER = '~deleting';
