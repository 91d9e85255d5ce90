import type { AwsEndpoints } from '../../infra/local/aws/embedded-aws.ts';
import { startRunAws } from '../support/run-aws.ts';

export function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
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
  const aws = await startRunAws();
  const { stop, ...endpoints } = aws;
  (globalThis as { __zapfleetAws?: AwsEndpoints }).__zapfleetAws = endpoints;
  try {
    await body();
  } finally {
    await stop();
  }
  process.exit(0);
}
