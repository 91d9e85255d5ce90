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

/**
 * Waits for a backlog to drain: `remaining` reports how much is left, and
 * the wait succeeds at 0. It gives up only when the lowest count seen has not
 * fallen for `stallMs`, so a machine that is merely slow passes and work that
 * stopped (a lost message never arrives) fails. A fixed deadline would instead
 * measure the machine's speed.
 */
export async function waitForDrain(
  remaining: () => number | Promise<number>,
  what: string | ((left: number) => string),
  stallMs = 30_000,
  intervalMs = 100,
): Promise<void> {
  let lowest = Number.POSITIVE_INFINITY;
  let movedAt = Date.now();
  for (;;) {
    const left = await remaining();
    if (left <= 0) return;
    if (left < lowest) {
      lowest = left;
      movedAt = Date.now();
    } else if (Date.now() - movedAt >= stallMs) {
      const described = typeof what === 'string' ? what : what(left);
      throw new WaitTimeoutError(`no progress for ${stallMs} ms (${left} left) waiting for ${described}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
