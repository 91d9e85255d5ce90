import type { AwsEndpoints } from '../../infra/local/aws/embedded-aws.ts';
import { cliArgs } from '../../infra/local/cli-args.ts';
import { startRunAws } from '../support/run-aws.ts';

/**
 * A benchmark's numeric flags through `node:util` parseArgs: `--help` prints
 * usage, an unknown flag or a value that is not a positive number exits 2.
 */
export function benchArgs<K extends string>(
  name: string,
  defaults: Readonly<Record<K, number>>,
  argv: readonly string[] = process.argv.slice(2),
): Record<K, number> {
  const keys = Object.keys(defaults) as K[];
  const usage = `npm run bench -- ${name} ${keys.map((k) => `[--${k} ${defaults[k]}]`).join(' ')}`;
  const options = Object.fromEntries(keys.map((k) => [k, { type: 'string' as const }]));
  const values = cliArgs(`bench ${name}`, usage, options, argv) as Partial<Record<K, string>>;
  const out = { ...defaults } as Record<K, number>;
  for (const key of keys) {
    const given = values[key];
    if (given === undefined) continue;
    const n = Number(given);
    if (!Number.isFinite(n) || n <= 0) {
      process.stderr.write(`bench ${name}: --${key} must be a positive number\nusage: ${usage}\n`);
      process.exit(2);
    }
    out[key] = n;
  }
  return out;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] as number) * 100) / 100;
}

/**
 * Runs a benchmark body with embedded AWS started for it. Test helpers read the
 * endpoints through vitest's `inject` inside vitest; a benchmark is a plain
 * script, so it hands them over through a global the helpers check first.
 */
export async function withEmbeddedAws(body: () => Promise<void>): Promise<void> {
  await onFreshEmbeddedAws(body);
  process.exit(0);
}

/**
 * `body` on embedded AWS started for it alone and stopped after it: a run that
 * must not inherit an earlier run's tables (DynamoDB Local keeps everything in
 * one JVM heap, and a chaos seed's data slowed the seeds after it).
 */
export async function onFreshEmbeddedAws<T>(body: () => Promise<T>): Promise<T> {
  const aws = await startRunAws();
  const { stop, ...endpoints } = aws;
  (globalThis as { __zapfleetAws?: AwsEndpoints }).__zapfleetAws = endpoints;
  try {
    return await body();
  } finally {
    (globalThis as { __zapfleetAws?: AwsEndpoints }).__zapfleetAws = undefined;
    await stop();
  }
}
