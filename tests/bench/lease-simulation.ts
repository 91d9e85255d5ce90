/**
 * `npm run bench -- lease-simulation [--seeds 10000]`: the seeded fleet
 * simulation (tests/fleet/lease-simulation.test.ts) over many more seeds than
 * `npm test` runs. Prints failing seeds on stderr and the figures as JSON.
 */
import { performance } from 'node:perf_hooks';
import { fleet, problems } from '../fleet/simulation/fleet-config.ts';
import { simulate } from '../fleet/simulation/world.ts';
import { benchArgs } from './bench-support.ts';

const { seeds, from } = benchArgs('lease-simulation', { seeds: 10_000, from: 1 });
const started = performance.now();
const failed: number[] = [];
let worstRecoveryMs = 0;
for (let seed = from; seed < from + seeds; seed++) {
  const result = await simulate({ seed, ...fleet });
  worstRecoveryMs = Math.max(worstRecoveryMs, result.recoveryMs ?? Number.POSITIVE_INFINITY);
  const found = problems(seed, result);
  if (found.length > 0) {
    failed.push(seed);
    process.stderr.write(`${found.join('\n')}\n`);
  }
  if ((seed - from + 1) % 1000 === 0) process.stderr.write(`${seed - from + 1} seeds\n`);
}
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    seeds,
    failed: failed.length,
    failedSeeds: failed.slice(0, 20),
    worstRecoveryMs: Math.round(worstRecoveryMs),
    seconds: Math.round(seconds * 10) / 10,
    msPerSeed: Math.round((seconds * 1000 * 100) / seeds) / 100,
  }),
);
process.exit(failed.length > 0 ? 1 : 0);
