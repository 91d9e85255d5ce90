import { describe, expect, it } from 'vitest';
import { isBucketFull, takeNumbers } from '#commons/domain/contact-check-rate.ts';

const rate = { numbersPerMinute: 120, burst: 200 };

describe('takeNumbers', () => {
  it('lets the burst go at once from an unknown session, then refuses with the wait for the missing numbers', () => {
    const first = takeNumbers(undefined, rate, 200, 0);
    expect(first).toEqual({ ok: true, bucket: { tokens: 0, at: 0 } });
    if (!first.ok) return;
    // 50 numbers at 2 per second: 25 s.
    expect(takeNumbers(first.bucket, rate, 50, 0)).toEqual({ ok: false, retryAfterSeconds: 25 });
    expect(takeNumbers(first.bucket, rate, 50, 25_000)).toMatchObject({ ok: true });
  });

  it.each([
    [1, 0, 1],
    [1, 499, 1],
    [10, 0, 5],
  ])('asks at least one whole second: %i numbers missing after %i ms → %i s', (count, at, seconds) => {
    expect(takeNumbers({ tokens: 0, at: 0 }, rate, count, at)).toEqual({
      ok: false,
      retryAfterSeconds: seconds,
    });
  });

  it('never refills past the burst, and says when a bucket is full again', () => {
    const bucket = { tokens: 0, at: 0 };
    expect(isBucketFull(bucket, rate, 99_999)).toBe(false);
    expect(isBucketFull(bucket, rate, 100_000)).toBe(true);
    expect(takeNumbers(bucket, rate, 201, 10_000_000)).toMatchObject({ ok: false });
  });
});
