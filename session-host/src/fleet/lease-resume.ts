import type { Clock } from '#commons/domain/clock.ts';
import { systemClock } from '#commons/runtime/system-clock.ts';

/** A session kept running through a lease gap, by the epoch it runs under. */
export interface SuspendedSession {
  readonly sessionId: string;
  readonly epoch: number;
}

/** Reads of one session's record before it is given up as unknown (closed, then restarted). */
export const RESUME_READ_ATTEMPTS = 3;
const RESUME_READ_PAUSE_MS = 100;

export interface ResumeCheck {
  readonly hostId: string;
  /** A consistent read of the session's owner and epoch. */
  readonly read: (sessionId: string) => Promise<{ ownerHostId?: string; epoch: number } | undefined>;
  readonly clock?: Clock;
}

/**
 * After the lease is held again: the suspended sessions whose record no
 * longer names this host at their epoch (a peer took them during the gap),
 * which must be closed. A record that cannot be read in RESUME_READ_ATTEMPTS
 * counts as taken: closing a session only costs a restart, keeping one that a
 * peer runs would make two owners.
 */
export async function takenDuringGap<S extends SuspendedSession>(
  sessions: readonly S[],
  check: ResumeCheck,
): Promise<S[]> {
  const mine = await Promise.all(sessions.map((session) => stillMine(session, check)));
  return sessions.filter((_, i) => !mine[i]);
}

async function stillMine(session: SuspendedSession, check: ResumeCheck): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      const record = await check.read(session.sessionId);
      return record?.ownerHostId === check.hostId && record.epoch === session.epoch;
    } catch {
      if (attempt >= RESUME_READ_ATTEMPTS) return false;
      await (check.clock ?? systemClock).sleep(RESUME_READ_PAUSE_MS * attempt);
    }
  }
}

export interface LeaseGapDeps<S extends SuspendedSession> {
  readonly check: ResumeCheck;
  /** The sessions running here now (suspended while the lease was lost). */
  readonly sessions: () => readonly S[];
  /** Closes a session a peer took during the gap, without logging out. */
  readonly fence: (session: S) => void;
  /** The lease is held now (it may be lost again while the records are read). */
  readonly held: () => boolean;
  /** Everything was checked and the lease is still held: act again (reconcile, drain). */
  readonly resumed: () => void;
}

/**
 * A host's way back from a lease gap: the sockets stayed open, and nothing
 * acts on them again until every one was checked against its record
 * (`checking`), one check after another if the lease flaps meanwhile.
 */
export class LeaseGap<S extends SuspendedSession> {
  private running = 0;
  private chain: Promise<void> = Promise.resolve();
  /** Set while suspended: what `whenActing` waits on. */
  private gap: { promise: Promise<void>; end: () => void } | undefined;

  constructor(private readonly deps: LeaseGapDeps<S>) {}

  /** True while suspended sessions are being checked: the host must not act yet. */
  get checking(): boolean {
    return this.running > 0;
  }

  /** The lease is lost: from now on `whenActing` waits. */
  suspend(): void {
    if (this.gap) return;
    let end = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      end = resolve;
    });
    this.gap = { promise, end };
  }

  /**
   * Resolves at once unless suspended; else once the sessions were checked
   * with the lease held, or the host gave up (its sessions are fenced by
   * then). Auth commits wait on it: a suspended session writes nothing, so a
   * DELETE that waited out this host's lease finds no object written after it.
   */
  whenActing(): Promise<void> {
    return this.gap?.promise ?? Promise.resolve();
  }

  /** The lease was not regained in time; the sessions were fenced: let waiting writes fail their fence. */
  gaveUp(): void {
    this.endGap();
  }

  private endGap(): void {
    this.gap?.end();
    this.gap = undefined;
  }

  /** The lease is held again: check every running session, then act again. */
  async regained(): Promise<void> {
    this.running++;
    const turn = this.chain.then(() => this.check());
    this.chain = turn.catch(() => undefined);
    try {
      await turn;
    } finally {
      this.running--;
    }
    if (this.running === 0 && this.deps.held()) {
      this.endGap();
      this.deps.resumed();
    }
  }

  private async check(): Promise<void> {
    for (const session of await takenDuringGap(this.deps.sessions(), this.deps.check))
      this.deps.fence(session);
  }
}
