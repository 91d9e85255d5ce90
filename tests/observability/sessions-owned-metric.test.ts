import { describe, expect, it } from 'vitest';
import { HOST_METRICS, sessionsOwnedMetric } from '#commons/observability/metric-names.ts';

describe('the SessionsOwned embedded-metric line', () => {
  it.each([0, 7])('carries %i sessions with no dimensions, as the scaling policy reads it', (count) => {
    const now = Date.now();
    expect(sessionsOwnedMetric(count, now)).toEqual({
      _aws: {
        Timestamp: now,
        CloudWatchMetrics: [
          {
            Namespace: HOST_METRICS.namespace,
            Dimensions: [[]],
            Metrics: [{ Name: HOST_METRICS.sessionsOwned, Unit: 'Count' }],
          },
        ],
      },
      [HOST_METRICS.sessionsOwned]: count,
    });
  });

  it('prints nothing itself: the host logs the fields through its own logger', () => {
    const writes: unknown[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: unknown) => writes.push(chunk) > 0) as typeof process.stdout.write;
    try {
      sessionsOwnedMetric(3, Date.now());
    } finally {
      process.stdout.write = write;
    }
    expect(writes).toEqual([]);
  });
});
