/**
 * One esbuild run of `npm run build`: builds, measures, and for a Lambda
 * checks the size budget, naming the top contributors when it is exceeded.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { type BundleBudgetError, checkBundleBudget } from './bundle-budget.ts';
import { type Contributor, topContributors } from './bundle-contributors.ts';

export interface BundleResult {
  readonly name: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly contributors: readonly Contributor[];
  /** Set when the bundle was built but is over its budget. */
  readonly overBudget?: BundleBudgetError;
}

/** Builds `options` (which must write `outfile`); with `budgetBytes`, checks the output against it. */
export async function buildBundle(
  name: string,
  outfile: string,
  options: BuildOptions,
  budgetBytes?: number,
): Promise<BundleResult> {
  const result = await build({ ...options, metafile: true });
  const bytes = readFileSync(outfile);
  const built = { name, bytes: bytes.length, contributors: topContributors(result.metafile) };
  const overBudget = budgetBytes === undefined ? undefined : checkBundleBudget(built, budgetBytes);
  return { ...built, gzipBytes: gzipSync(bytes).length, ...(overBudget && { overBudget }) };
}
