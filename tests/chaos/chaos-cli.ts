/**
 * `npm run chaos -- [--seed S] [--minutes 2] [--hosts 3] [--sessions 6]`: one
 * chaos run on real processes (see chaos-run.ts). Progress on stderr, the
 * violations as JSON on the last line of stdout; exit 1 when any was found.
 */
import { cliArgs } from '../../infra/local/cli-args.ts';
import { withChaosAws } from './chaos-aws.ts';
import { chaosOptionsProblem } from './chaos-bounds.ts';
import { runChaos } from './chaos-run.ts';

const usage = 'npm run chaos -- [--seed S (random, printed)] [--minutes 2] [--hosts 3] [--sessions 6]';
const values = cliArgs('chaos', usage, {
  seed: { type: 'string' },
  minutes: { type: 'string' },
  hosts: { type: 'string' },
  sessions: { type: 'string' },
});
const number = (name: keyof typeof values, fallback: number, min: number): number => {
  const given = values[name];
  const n = given === undefined ? fallback : Number(given);
  if (!Number.isFinite(n) || n < min) {
    process.stderr.write(`chaos: --${name} must be a number ≥ ${min}\nusage: ${usage}\n`);
    process.exit(2);
  }
  return n;
};
const options = {
  seed: Math.floor(number('seed', Math.floor(Math.random() * 2 ** 31), 0)),
  minutes: number('minutes', 2, 0.1),
  hosts: number('hosts', 3, 2),
  sessions: number('sessions', 6, 1),
};
const problem = chaosOptionsProblem(options);
if (problem) {
  process.stderr.write(`chaos: ${problem}\nusage: ${usage}\n`);
  process.exit(2);
}

const code = await withChaosAws(async () => {
  const result = await runChaos({
    ...options,
    dumpFile: `/tmp/zapfleet-chaos-${options.seed}.json`,
    log: (line) => process.stderr.write(`[chaos] ${line}\n`),
  });
  process.stdout.write(
    `${JSON.stringify({ seed: result.seed, faults: result.faults, messages: result.messages, violations: result.violations })}\n`,
  );
  return result.violations.length === 0 ? 0 : 1;
});
process.exit(code);
