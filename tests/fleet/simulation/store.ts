/**
 * The simulated DynamoDB: one linearizable store applying the same
 * conditional writes as the real adapters (heartbeat, claim, takeover, fenced
 * commit). Every accepted write is recorded for the invariant checks.
 */
export interface HostItem {
  version: number;
  load: number;
  capacity: number;
  gone: boolean;
}

export interface SessionItem {
  owner: string;
  epoch: number;
}

export interface CommitRecord {
  readonly sessionId: string;
  readonly epoch: number;
  readonly at: number;
}

export class SimStore {
  readonly hosts = new Map<string, HostItem>();
  readonly sessions = new Map<string, SessionItem>();
  readonly commits: CommitRecord[] = [];
  /** Highest epoch ever granted per session (claims and takeovers). */
  readonly granted = new Map<string, number>();

  heartbeat(hostId: string, load: number, capacity: number): void {
    const item = this.hosts.get(hostId);
    this.hosts.set(hostId, { version: (item?.version ?? 0) + 1, load, capacity, gone: false });
  }

  deregister(hostId: string): void {
    const item = this.hosts.get(hostId);
    if (item) item.gone = true;
  }

  /** Condition: owner = host AND epoch = seen → epoch + 1. */
  claim(sessionId: string, hostId: string, seen: number): number | undefined {
    const s = this.sessions.get(sessionId);
    if (!s || s.owner !== hostId || s.epoch !== seen) return undefined;
    return this.grant(sessionId, s, hostId);
  }

  /** Condition: owner = dead AND epoch = seen → owner = host, epoch + 1. */
  takeover(sessionId: string, deadHost: string, seen: number, hostId: string): number | undefined {
    const s = this.sessions.get(sessionId);
    if (!s || s.owner !== deadHost || s.epoch !== seen) return undefined;
    return this.grant(sessionId, s, hostId);
  }

  /** A fenced write (status, QR, auth commit): owner + epoch must match. */
  commit(sessionId: string, hostId: string, epoch: number, at: number): boolean {
    const s = this.sessions.get(sessionId);
    if (!s || s.owner !== hostId || s.epoch !== epoch) return false;
    this.commits.push({ sessionId, epoch, at });
    return true;
  }

  private grant(sessionId: string, s: SessionItem, hostId: string): number {
    s.owner = hostId;
    s.epoch += 1;
    this.granted.set(sessionId, Math.max(this.granted.get(sessionId) ?? 0, s.epoch));
    return s.epoch;
  }
}
