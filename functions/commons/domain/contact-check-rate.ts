/**
 * Contacts checks of one session are paced by the numbers they ask about:
 * WhatsApp restricts accounts that look up numbers in bulk, much as it bans
 * fast senders. A token bucket of numbers: `burst` may be checked at once
 * after a quiet spell, then `numbersPerMinute`.
 */
export interface ContactCheckRate {
  readonly numbersPerMinute: number;
  readonly burst: number;
}

/** 4 full checks of 50 back to back, then about one full check every 25 s. */
export const DEFAULT_CONTACT_CHECK_RATE: ContactCheckRate = { numbersPerMinute: 120, burst: 200 };

export interface NumberBucket {
  readonly tokens: number;
  /** Monotonic ms `tokens` was computed at. */
  readonly at: number;
}

function refill(bucket: NumberBucket | undefined, rate: ContactCheckRate, now: number): number {
  if (!bucket) return rate.burst;
  const elapsed = Math.max(0, now - bucket.at);
  return Math.min(rate.burst, bucket.tokens + (elapsed * rate.numbersPerMinute) / 60_000);
}

/** Whether `count` numbers may be checked at `now`: the bucket after, or the whole seconds to wait. Pure. */
export function takeNumbers(
  bucket: NumberBucket | undefined,
  rate: ContactCheckRate,
  count: number,
  now: number,
):
  | { readonly ok: true; readonly bucket: NumberBucket }
  | { readonly ok: false; readonly retryAfterSeconds: number } {
  const tokens = refill(bucket, rate, now);
  if (tokens >= count) return { ok: true, bucket: { tokens: tokens - count, at: now } };
  return {
    ok: false,
    retryAfterSeconds: Math.max(1, Math.ceil(((count - tokens) * 60) / rate.numbersPerMinute)),
  };
}

/** True once the bucket is full again: nothing about it is worth keeping. */
export function isBucketFull(bucket: NumberBucket, rate: ContactCheckRate, now: number): boolean {
  return refill(bucket, rate, now) >= rate.burst;
}
