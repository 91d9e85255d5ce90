import {
  afterStartFailure,
  DEFAULT_START_BACKOFF,
  mayAttemptStart,
  type StartBackoffSchedule,
  type StartRetryState,
} from '#commons/domain/start-backoff.ts';

/**
 * Per-session retry state of starts that failed to open the auth state. An
 * entry lives only while its session fails to start here: cleared on a start
 * that worked, and pruned for sessions no longer assigned here.
 */
export class StartRetries {
  private readonly states = new Map<string, StartRetryState>();

  constructor(
    private readonly schedule: StartBackoffSchedule = DEFAULT_START_BACKOFF,
    private readonly now: () => number = () => performance.now(),
    private readonly random: () => number = Math.random,
  ) {}

  mayAttempt(sessionId: string): boolean {
    return mayAttemptStart(this.states.get(sessionId), this.now());
  }

  /** Records a failure; true when it is the first of a streak (worth an event). */
  failed(sessionId: string): boolean {
    const next = afterStartFailure(this.states.get(sessionId), this.now(), this.schedule, this.random());
    this.states.set(sessionId, next.state);
    return next.report;
  }

  succeeded(sessionId: string): void {
    this.states.delete(sessionId);
  }

  forget(sessionId: string): void {
    this.states.delete(sessionId);
  }

  /** Drops every entry whose session is not in `assigned`. */
  retainOnly(assigned: ReadonlySet<string>): void {
    for (const id of this.states.keys()) if (!assigned.has(id)) this.states.delete(id);
  }

  get size(): number {
    return this.states.size;
  }
}
