/**
 * `npm run build`: bundles every Lambda exactly as `cdk synth` does (same
 * options module) into dist/lambda/<name>/index.mjs, and the session host
 * exactly as its Dockerfile does (session-host/bundle/host-bundle.ts) into
 * dist/session-host.mjs, and prints each size. Exits non-zero when any
 * bundle fails, or when a Lambda bundle is over LAMBDA_BUNDLE_BUDGET_BYTES
 * or its recorded ceiling (the message names its top contributors).
 */
import { join, relative } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { HOST_ENTRY, HOST_OUTFILE, hostBundleOptions } from '../session-host/bundle/host-bundle.ts';
import { buildBundle } from './bundle/build-bundle.ts';
import { budgetOf, kb, LAMBDA_BUNDLE_BUDGET_BYTES, OVER_BUDGET_CEILINGS } from './bundle/bundle-budget.ts';
import { buildDashboardToDist } from './bundle/dashboard-build-step.ts';
import { esbuildOptions, LAMBDA_ENTRIES, type LambdaName } from './constructs/lambda-bundle.ts';
import { REPO_ROOT } from './constructs/repo-paths.ts';

async function bundle(
  name: string,
  entry: string,
  outfile: string,
  options: BuildOptions,
  budgetBytes?: number,
): Promise<boolean> {
  try {
    const result = await buildBundle(name, outfile, options, budgetBytes);
    console.log(
      `${name.padEnd(8)} ${kb(result.bytes).padStart(10)}  (gzip ${kb(result.gzipBytes)})  ${entry} -> ${relative(REPO_ROOT, outfile)}`,
    );
    if (result.overBudget) console.error(`${name.padEnd(8)} OVER BUDGET  ${result.overBudget.message}`);
    const ceiling = OVER_BUDGET_CEILINGS[name];
    if (ceiling && !result.overBudget && result.bytes > LAMBDA_BUNDLE_BUDGET_BYTES)
      console.warn(
        `${name.padEnd(8)} over the ${kb(LAMBDA_BUNDLE_BUDGET_BYTES)} target (allowed up to ${kb(ceiling.bytes)} for now: ${ceiling.why})`,
      );
    return !result.overBudget;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`${name.padEnd(8)} FAILED  ${entry}\n${message}`);
    return false;
  }
}

const results = [];
for (const name of Object.keys(LAMBDA_ENTRIES) as LambdaName[]) {
  const { entry } = LAMBDA_ENTRIES[name];
  const outfile = join(REPO_ROOT, 'dist', 'lambda', name, 'index.mjs');
  const options = { ...esbuildOptions(join(REPO_ROOT, entry), outfile), absWorkingDir: REPO_ROOT };
  results.push(await bundle(name, entry, outfile, options, budgetOf(name)));
}
results.push(await buildDashboardToDist());
results.push(await bundle('host', HOST_ENTRY, join(REPO_ROOT, HOST_OUTFILE), hostBundleOptions(REPO_ROOT)));
if (results.includes(false)) process.exitCode = 1;
