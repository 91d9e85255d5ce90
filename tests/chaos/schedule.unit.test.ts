import { describe, expect, it } from 'vitest';
import { drawSchedule } from './schedule.ts';

const options = { durationMs: 10 * 60_000, hosts: 3, sessions: 6, leaseMs: 2_500 };

describe('the chaos schedule', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(drawSchedule({ seed: 42, ...options })).toEqual(drawSchedule({ seed: 42, ...options }));
    expect(drawSchedule({ seed: 43, ...options })).not.toEqual(drawSchedule({ seed: 42, ...options }));
  });

  it('draws every kind of fault over a long run, each inside the run and before its quiet tail', () => {
    const faults = drawSchedule({ seed: 1, ...options });
    expect(new Set(faults.map((f) => f.kind))).toEqual(
      new Set(['kill', 'pause', 'term', 'dynamodb', 's3', 'wa-drop', 'wa-end', 'ws-restart', 'webhook-fail']),
    );
    expect(faults.every((f) => f.at > 0 && f.at < options.durationMs - 10_000)).toBe(true);
  });

  it('pauses a host past its lease and never hits one host slot with two process faults at once', () => {
    const faults = drawSchedule({ seed: 9, ...options });
    for (const f of faults) if (f.kind === 'pause') expect(f.forMs).toBeGreaterThan(options.leaseMs);
    const hostFaults = faults.filter((f) => f.kind === 'kill' || f.kind === 'pause' || f.kind === 'term');
    for (const [i, f] of hostFaults.entries()) {
      const end = f.at + (f.kind === 'pause' ? f.forMs : f.restartAfterMs);
      const clash = hostFaults.slice(i + 1).find((g) => g.slot === f.slot && g.at < end);
      expect(clash).toBeUndefined();
    }
  });
});
