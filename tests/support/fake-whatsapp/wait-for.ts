import type { EventEmitter } from 'node:events';

export class WaitTimeoutError extends Error {}

/** Resolves with the first `event` whose arguments satisfy `accept`; always removes its listener and timer. */
export function waitForEvent<Events extends Record<keyof Events, unknown[]>, K extends keyof Events & string>(
  emitter: EventEmitter<Events>,
  event: K,
  accept: (...args: Events[K]) => boolean,
  timeoutMs: number,
): Promise<Events[K]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: Events[K]) => {
      if (!accept(...args)) return;
      cleanup();
      resolve(args);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${event}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      (emitter as EventEmitter).off(event, listener as (...args: unknown[]) => void);
    };
    (emitter as EventEmitter).on(event, listener as (...args: unknown[]) => void);
  });
}
