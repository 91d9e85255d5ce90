import type { SessionAuth } from '../ports/auth-state-store.ts';
import { SessionDrainingError } from './session-errors.ts';

/**
 * Baileys at work on a session's frames, seen through its key reads and
 * commits: how many are in flight and when the last activity was. A drain
 * waits for it to go quiet; once draining, no new key access is allowed
 * (WhatsApp redelivers what was not receipted).
 */
export class KeyActivity {
  inFlight = 0;
  lastAt = 0;
  draining = false;

  constructor(
    private readonly sessionId: string,
    private readonly now: () => number = Date.now,
  ) {}

  touch(): void {
    this.lastAt = this.now();
  }

  /** Baileys' `auth` for the socket, with key access tracked and refused while draining. */
  tracked(auth: SessionAuth): SessionAuth['state'] {
    const state = auth.state;
    const track = <T>(op: Promise<T>): Promise<T> => {
      this.touch();
      this.inFlight += 1;
      return op.finally(() => {
        this.inFlight -= 1;
        this.touch();
      });
    };
    return {
      creds: state.creds,
      keys: {
        get: (type, ids) => {
          if (this.draining) return Promise.reject(new SessionDrainingError(this.sessionId));
          return track(Promise.resolve(state.keys.get(type, ids)));
        },
        set: (data) => {
          if (this.draining) return Promise.reject(new SessionDrainingError(this.sessionId));
          return track(Promise.resolve(state.keys.set(data)));
        },
      },
    };
  }
}
