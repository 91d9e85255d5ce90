import type { Scheduler } from './virtual-clock.ts';

/** How a host's link to the store behaves right now. */
export type LinkState =
  | { readonly kind: 'up' }
  /** Requests (or their answers) are lost; the caller sees a timeout, not knowing whether it landed. */
  | { readonly kind: 'down' }
  /** Every leg takes up to `extraMs` longer. */
  | { readonly kind: 'slow'; readonly extraMs: number };

/** The owner of a host's requests on the wire (see the world's gate). */
export function outbound(hostId: string): string {
  return `${hostId}>`;
}

export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

export interface NetworkOptions {
  readonly maxDelayMs: number;
  /** When a call whose request or answer was lost fails, as the SDK's request timeout would. */
  readonly timeoutMs: number;
}

/**
 * The simulated path between a host and the store: a request leg and a
 * response leg, each delayed at random. Both legs belong to the host, so a
 * paused host's in-flight writes land only after it resumes, and a crashed
 * host's never land. A lost leg makes the call fail after the timeout.
 */
export class Network {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: () => number,
    private readonly options: NetworkOptions,
    private readonly link: (hostId: string) => LinkState,
  ) {}

  /**
   * Runs `op` at the store after the request leg; its result (or error)
   * reaches the host after the response leg. A call whose answer is not back
   * within the timeout fails with RequestTimeoutError, though its write may
   * still land (late).
   */
  call<T>(hostId: string, op: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const deadline = this.scheduler.now + this.options.timeoutMs;
      const timeOut = (): void => {
        this.scheduler.at(
          deadline,
          () => reject(new RequestTimeoutError(`request from ${hostId} timed out`)),
          hostId,
        );
      };
      const request = this.legAt(hostId);
      if (request === undefined) return timeOut();
      // The request leg belongs to the host's outbox: it waits out a pause, but once sent it lands even if the host dies.
      this.scheduler.at(
        request,
        () => {
          let outcome: { ok: true; value: T } | { ok: false; err: unknown };
          try {
            outcome = { ok: true, value: op() };
          } catch (err) {
            outcome = { ok: false, err };
          }
          const response = this.legAt(hostId);
          if (response === undefined || response > deadline) return timeOut();
          this.scheduler.at(
            response,
            () => (outcome.ok ? resolve(outcome.value) : reject(outcome.err)),
            hostId,
          );
        },
        outbound(hostId),
      );
      if (request > deadline) timeOut();
    });
  }

  /** Delivers `run` to `hostId` (a nudge from a peer): one delayed leg, lost while either end is cut off. */
  deliver(from: string, to: string, run: () => void): void {
    if (this.link(from).kind === 'down') return;
    this.scheduler.at(
      this.scheduler.now + this.delay(from),
      () => {
        if (this.link(to).kind !== 'down') run();
      },
      to,
    );
  }

  /** When a leg sent now arrives; undefined when the link loses it. */
  private legAt(hostId: string): number | undefined {
    return this.link(hostId).kind === 'down' ? undefined : this.scheduler.now + this.delay(hostId);
  }

  private delay(hostId: string): number {
    const state = this.link(hostId);
    const extra = state.kind === 'slow' ? this.random() * state.extraMs : 0;
    return this.random() * this.options.maxDelayMs + extra;
  }
}
