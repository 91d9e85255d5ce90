import { describe, expect, it } from 'vitest';
import { leaseConfig } from '#commons/domain/lease.ts';
import { simulate } from './simulation/world.ts';

/**
 * Replay one seed: ZAPFLEET_SIM_SEED=1234 npx vitest run tests/fleet/lease-simulation.test.ts
 * More seeds: ZAPFLEET_SIM_SEEDS=20000.
 */
const single = process.env.ZAPFLEET_SIM_SEED;
const count = Number(process.env.ZAPFLEET_SIM_SEEDS ?? 2000);
const seeds = single ? [Number(single)] : Array.from({ length: count }, (_, i) => i + 1);
const lease = leaseConfig(1_000, 4_000);
const options = { hosts: 4, sessions: 12, lease, faultWindowMs: 20_000, maxDelayMs: 150, tickMs: 100 };
const bound = lease.leaseMs + 6 * lease.heartbeatMs;

describe('lease and ownership rules under a seeded simulation', () => {
  it(`hold over ${seeds.length} seeds: one unfenced owner, no stale commit, every session owned again in time`, () => {
    const failures: string[] = [];
    for (const seed of seeds) {
      const result = simulate({ seed, ...options });
      const problems = [...result.violations];
      if (result.recoveryMs === undefined) problems.push('some session was never owned again');
      else if (result.recoveryMs > bound)
        problems.push(`recovery took ${result.recoveryMs} ms (bound ${bound} ms)`);
      if (problems.length > 0) {
        failures.push(`seed ${seed}: ${problems.slice(0, 3).join('; ')} (replay: ZAPFLEET_SIM_SEED=${seed})`);
        if (failures.length >= 5) break;
      }
    }
    expect(failures).toEqual([]);
  });

  it('catches a broken rule: a host that never fences itself produces double owners', () => {
    const broken = { ...lease, selfFenceMs: Number.POSITIVE_INFINITY };
    const caught = seeds
      .slice(0, 300)
      .some((seed) => simulate({ seed, ...options, lease: broken }).violations.length > 0);
    expect(caught).toBe(true);
  });
});
