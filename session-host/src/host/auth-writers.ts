import type { SessionAuth } from '../ports/auth-state-store.ts';

/**
 * Auth states that may still write, per session: kept past a session's end
 * until their last commit settled, so a delete can wait until nothing of a
 * session can land in S3 any more.
 */
export class AuthWriters {
  private readonly writers = new Map<string, Set<SessionAuth>>();

  get size(): number {
    return this.writers.size;
  }

  add(sessionId: string, auth: SessionAuth): void {
    const writers = this.writers.get(sessionId) ?? new Set<SessionAuth>();
    writers.add(auth);
    this.writers.set(sessionId, writers);
  }

  /** Refuses every further commit of the session. */
  fence(sessionId: string): void {
    for (const auth of this.writers.get(sessionId) ?? []) auth.fence();
  }

  /** An ended session queues no new commits; its last one may still be in flight: drop each once flushed. */
  release(sessionId: string): void {
    const writers = this.writers.get(sessionId);
    for (const auth of writers ?? []) {
      void auth.flush().then(() => {
        writers?.delete(auth);
        if (writers?.size === 0 && this.writers.get(sessionId) === writers) this.writers.delete(sessionId);
      });
    }
  }

  /** Fences the session's writers and resolves once no auth write of it is in flight. */
  async quiesce(sessionId: string): Promise<void> {
    const writers = [...(this.writers.get(sessionId) ?? [])];
    for (const auth of writers) auth.fence();
    await Promise.all(writers.map((auth) => auth.flush()));
    this.writers.delete(sessionId);
  }
}
