import type { LocalSession } from '#commons/domain/reconcile-decision.ts';
import type { ManagedSession } from '../runtime/managed-session.ts';
import type { AuthWriters } from './auth-writers.ts';

/** The sessions running on this host, with the restart token each started under. */
export class LocalSessions {
  private readonly sessions = new Map<string, ManagedSession>();
  private readonly restartTokens = new Map<string, string | undefined>();

  constructor(private readonly writers: AuthWriters) {}

  get size(): number {
    return this.sessions.size;
  }

  get restartTokenCount(): number {
    return this.restartTokens.size;
  }

  get(sessionId: string): ManagedSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** What the reconcile decision sees of a running session. */
  view(sessionId: string): LocalSession | undefined {
    const session = this.sessions.get(sessionId);
    return session && { epoch: session.epoch, restartToken: this.restartTokens.get(sessionId) };
  }

  ids(): string[] {
    return [...this.sessions.keys()];
  }

  all(): ManagedSession[] {
    return [...this.sessions.values()];
  }

  asMap(): ReadonlyMap<string, ManagedSession> {
    return this.sessions;
  }

  add(session: ManagedSession, restartToken: string | undefined): void {
    this.sessions.set(session.sessionId, session);
    this.restartTokens.set(session.sessionId, restartToken);
  }

  /** The session no longer runs here; its auth writers go once their last commit settled. */
  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.restartTokens.delete(sessionId);
    this.writers.release(sessionId);
  }

  /** Forgets `session` only if it is still the one running under its id. */
  forgetIfCurrent(session: ManagedSession): void {
    if (this.sessions.get(session.sessionId) === session) this.forget(session.sessionId);
  }

  clear(): void {
    this.sessions.clear();
    this.restartTokens.clear();
  }
}
