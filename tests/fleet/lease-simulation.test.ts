import { describe, expect, it } from 'vitest';
import { NeverFencingLeaseKeeper } from './simulation/broken-lease-keeper.ts';
import { fleet, problems } from './simulation/fleet-config.ts';
import { simulate } from './simulation/world.ts';

/**
 * The real LeaseKeeper, FailoverWatcher and handOff, driven on a virtual clock
 * against in-memory adapters of the ownership and registry ports.
 * Replay one seed: ZAPFLEET_SIM_SEED=1234 npx vitest run tests/fleet/lease-simulation.test.ts
 * More seeds: ZAPFLEET_SIM_SEEDS=2000, or `npm run bench -- lease-simulation --seeds 10000`.
 */
const single = process.env.ZAPFLEET_SIM_SEED;
const count = Number(process.env.ZAPFLEET_SIM_SEEDS ?? 100);
const seeds = single ? [Number(single)] : Array.from({ length: count }, (_, i) => i + 1);

/** The first seed (of the first `limit`) whose run breaks a rule, with what broke. */
async function firstViolation(options: Partial<Parameters<typeof simulate>[0]>, limit: number) {
  for (let seed = 1; seed <= limit; seed++) {
    const result = await simulate({ seed, ...fleet, ...options });
    if (result.violations.length > 0) return { seed, violations: result.violations };
  }
  return undefined;
}

describe('the real lease keeper, failover watcher and handoff under a seeded fleet simulation', () => {
  it(`hold over ${seeds.length} seeds: one owner at a time, no stale write, every session owned again in time`, async () => {
    const failures: string[] = [];
    for (const seed of seeds) {
      failures.push(...problems(seed, await simulate({ seed, ...fleet })));
      if (failures.length >= 5) break;
    }
    expect(failures).toEqual([]);
  });

  it('hold when dead hosts’ rows are purged as soon as their lease ends, even for hosts that never saw them', async () => {
    const failures: string[] = [];
    for (const seed of seeds) {
      failures.push(...problems(seed, await simulate({ seed, ...fleet, purgeRowsAtLeaseEnd: true })));
      if (failures.length >= 5) break;
    }
    expect(failures).toEqual([]);
  });

  it('replays the same history from the same seed', async () => {
    const seed = seeds[0] ?? 1;
    const first = await simulate({ seed, ...fleet });
    expect(first.acceptedWrites).toBeGreaterThan(0);
    expect(await simulate({ seed, ...fleet })).toEqual(first);
  });

  it('control: a LeaseKeeper that never fences itself is caught as two owners of one session', async () => {
    const caught = await firstViolation(
      { broken: { leaseKeeper: (d) => new NeverFencingLeaseKeeper(d) } },
      100,
    );
    expect(caught?.violations[0]).toMatch(/owned by h\d#\d and h\d#\d/);
  });

  it('control: an auth commit conditioned on the owner but not the epoch is caught as a stale write', async () => {
    const caught = await firstViolation({ broken: { skipEpochOn: 'commit' } }, 300);
    expect(caught?.violations[0]).toMatch(/commit of s\d+ at epoch \d+ accepted after epoch \d+/);
  });

  it('control: a takeover that does not check the dead host renewed is caught as two owners of one session', async () => {
    // A host back from a lease gap keeps the sockets it kept open; a peer's late verdict must not land.
    const caught = await firstViolation({ broken: { skipHostCheck: true } }, 300);
    expect(caught?.violations[0]).toMatch(/owned by h\d#\d and h\d#\d/);
  });
});
