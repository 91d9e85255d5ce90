import { WaitTimeoutError } from './fake-whatsapp/wait-for.ts';

export { WaitTimeoutError };

type Falsy = undefined | null | false;

/**
 * Polls `condition` until it returns something other than undefined, null or
 * false, and resolves with that. For state we can only read (a table, a
 * process list, an HTTP endpoint); where an emitter exists, prefer
 * `waitForEvent`. `what` may be a function, to describe what was last seen.
 */
export async function waitFor<T>(
  condition: () => T | Falsy | Promise<T | Falsy>,
  what: string | (() => string | Promise<string>),
  timeoutMs = 15_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() >= deadline) {
      const described = typeof what === 'string' ? what : await what();
      throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${described}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
