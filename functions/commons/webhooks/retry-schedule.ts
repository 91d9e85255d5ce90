/**
 * When a failed delivery is tried again. The default follows the Standard
 * Webhooks reference schedule: after the first attempt, 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h and 10 h (about 27.6 h in all), each delay with ±20 % jitter
 * so receivers that fail together are not retried together.
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

export const RETRY_JITTER = 0.2;

export type RetryDecision =
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'dead-letter' };

/**
 * After `failedAttempts` failures of one delivery (1 after the first), the
 * next step; `random` in [0, 1).
 */
export function nextRetry(
  failedAttempts: number,
  delays: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
  random: () => number = Math.random,
): RetryDecision {
  const base = delays[failedAttempts - 1];
  if (base === undefined) return { kind: 'dead-letter' };
  const factor = 1 - RETRY_JITTER + 2 * RETRY_JITTER * random();
  return { kind: 'retry', delayMs: Math.round(base * factor) };
}

/** What one attempt's outcome means for the endpoint and the delivery. */
export type AttemptVerdict = 'delivered' | 'gone' | 'failed';

/** 2xx is success; 410 disables the endpoint; anything else (3xx included: redirects are never followed) fails. */
export function verdictOf(status: number | undefined): AttemptVerdict {
  if (status === undefined) return 'failed';
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  return 'failed';
}
