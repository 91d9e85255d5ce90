import { describe, expect, it } from 'vitest';
import {
  fullBucket,
  minimumDurationMs,
  queueFullRetryAfterSeconds,
  type SendPacing,
  takeToken,
} from '#commons/domain/send-pacing.ts';

const pacing: SendPacing = { ratePerSecond: 2, burst: 3, queueLimit: 10, typingMs: 0 };

describe('send pacing token bucket', () => {
  it.each([
    { name: 'full bucket sends', bucket: { tokens: 3, at: 0 }, now: 0, ok: true, left: 2 },
    { name: 'last token sends', bucket: { tokens: 1, at: 0 }, now: 0, ok: true, left: 0 },
    {
      name: 'empty bucket waits 500 ms at 2/s',
      bucket: { tokens: 0, at: 0 },
      now: 0,
      ok: false,
      waitMs: 500,
    },
    { name: 'half a token waits 250 ms', bucket: { tokens: 0, at: 0 }, now: 250, ok: false, waitMs: 250 },
    { name: 'refilled after 500 ms', bucket: { tokens: 0, at: 0 }, now: 500, ok: true, left: 0 },
    { name: 'never above burst', bucket: { tokens: 0, at: 0 }, now: 60_000, ok: true, left: 2 },
  ])('$name', ({ bucket, now, ok, left, waitMs }) => {
    const r = takeToken(bucket, pacing, now);
    expect(r.ok).toBe(ok);
    if (r.ok) expect(r.bucket).toEqual({ tokens: left, at: now });
    else expect(r.waitMs).toBe(waitMs);
  });

  it('sends burst back to back, then at the rate', () => {
    let bucket = fullBucket(pacing, 0);
    const sentAt: number[] = [];
    let now = 0;
    while (sentAt.length < 7) {
      const r = takeToken(bucket, pacing, now);
      if (r.ok) {
        bucket = r.bucket;
        sentAt.push(now);
      } else now += r.waitMs;
    }
    expect(sentAt).toEqual([0, 0, 0, 500, 1_000, 1_500, 2_000]);
    expect(minimumDurationMs(pacing, 7)).toBe(2_000);
  });

  it.each([
    { ratePerSecond: 1, seconds: 1 },
    { ratePerSecond: 0.2, seconds: 5 },
    { ratePerSecond: 10, seconds: 1 },
  ])('Retry-After for a full queue at $ratePerSecond/s is $seconds s', ({ ratePerSecond, seconds }) => {
    expect(queueFullRetryAfterSeconds({ ...pacing, ratePerSecond })).toBe(seconds);
  });
});
