/**
 * Outgoing messages of one session leave at a paced rate: WhatsApp bans
 * numbers that send too fast (field-lessons.md), and a ban loses the tenant
 * its number for good. A token bucket: `burst` messages may go back to back,
 * then one every 1/`ratePerSecond` seconds.
 */
export interface SendPacing {
  /** Sustained messages per second per session. */
  readonly ratePerSecond: number;
  /** Messages that may go back to back after a quiet spell. */
  readonly burst: number;
  /** Messages accepted and not yet sent, per session; past it a send answers 429 SEND_QUEUE_FULL. */
  readonly queueLimit: number;
  /** "typing…" shown this long before each message; 0 sends none. */
  readonly typingMs: number;
}

/**
 * ~1 message/s with a burst of 3 is what a fast human typist manages; the
 * 1 000-message queue is 17 minutes of sending at that rate, enough for a
 * campaign slice, small enough that a 429 comes before hours of backlog.
 */
export const DEFAULT_SEND_PACING: SendPacing = { ratePerSecond: 1, burst: 3, queueLimit: 1_000, typingMs: 0 };

/** What the API needs of the pacing: the queue bound it counts and the rate its Retry-After assumes. */
export type SendQueueLimits = Pick<SendPacing, 'queueLimit' | 'ratePerSecond'>;

export interface TokenBucket {
  readonly tokens: number;
  /** Monotonic time `tokens` was computed at. */
  readonly at: number;
}

export function fullBucket(pacing: SendPacing, now: number): TokenBucket {
  return { tokens: pacing.burst, at: now };
}

function refill(bucket: TokenBucket, pacing: SendPacing, now: number): number {
  const elapsed = Math.max(0, now - bucket.at);
  return Math.min(pacing.burst, bucket.tokens + (elapsed * pacing.ratePerSecond) / 1000);
}

/**
 * Whether one message may go at `now`: if so the bucket after taking its
 * token, otherwise how long to wait for one. Pure.
 */
export function takeToken(
  bucket: TokenBucket,
  pacing: SendPacing,
  now: number,
): { readonly ok: true; readonly bucket: TokenBucket } | { readonly ok: false; readonly waitMs: number } {
  const tokens = refill(bucket, pacing, now);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, at: now } };
  return { ok: false, waitMs: Math.ceil(((1 - tokens) * 1000) / pacing.ratePerSecond) };
}

/**
 * The Retry-After (seconds) for a refused send: the time the queue needs to
 * shed one message at the paced rate, at least 1 s. Pure.
 */
export function queueFullRetryAfterSeconds(pacing: Pick<SendPacing, 'ratePerSecond'>): number {
  return Math.max(1, Math.ceil(1 / pacing.ratePerSecond));
}

/** The least time `count` messages take from a full bucket at this pacing (ms). Pure. */
export function minimumDurationMs(pacing: SendPacing, count: number): number {
  return (Math.max(0, count - pacing.burst) * 1000) / pacing.ratePerSecond;
}
