/**
 * `npm run bench -- chaos [--seeds 5] [--minutes 10] [--hosts 3] [--sessions 6] [--first-seed 1]`:
 * one chaos run (tests/chaos/chaos-run.ts) per seed, seeds first-seed … first-seed+seeds-1,
 * each on its own embedded AWS (a JVM holding earlier seeds' tables slowed the later ones).
 * Progress on stderr; the summed figures as JSON on the last line.
 */
import { chaosOptionsProblem } from '../chaos/chaos-bounds.ts';
import { addRun, emptyFigures } from '../chaos/chaos-figures.ts';
import { runChaos } from '../chaos/chaos-run.ts';
import { benchArgs, onFreshEmbeddedAws } from './bench-support.ts';

const args = benchArgs('chaos', { seeds: 5, minutes: 10, hosts: 3, sessions: 6, 'first-seed': 1 });
const problem =
  chaosOptionsProblem(args) ??
  (Number.isInteger(args.seeds) && Number.isInteger(args['first-seed'])
    ? undefined
    : '--seeds and --first-seed must be whole numbers');
if (problem) {
  console.error(`bench chaos: ${problem}`);
  process.exit(2);
}

let figures = emptyFigures();
for (let i = 0; i < args.seeds; i++) {
  const seed = args['first-seed'] + i;
  const result = await onFreshEmbeddedAws(() =>
    runChaos({
      seed,
      minutes: args.minutes,
      hosts: args.hosts,
      sessions: args.sessions,
      dumpFile: `/tmp/zapfleet-chaos-${seed}.json`,
      log: (line) => console.error(`[chaos ${seed}] ${line}`),
    }),
  );
  figures = addRun(figures, result);
  console.error(`[chaos] after seed ${seed}: ${JSON.stringify(figures)}`);
}
console.log(JSON.stringify(figures));
process.exit(0);
