/**
 * `npm run build`: bundles every Lambda exactly as `cdk synth` does (same
 * options module) into dist/lambda/<name>/index.mjs and prints each size.
 * Exits non-zero when any bundle fails.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { esbuildOptions, LAMBDA_ENTRIES, type LambdaName } from './constructs/lambda-bundle.ts';
import { REPO_ROOT } from './constructs/repo-paths.ts';

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

async function bundle(name: LambdaName): Promise<boolean> {
  const entry = LAMBDA_ENTRIES[name];
  const outfile = join(REPO_ROOT, 'dist', 'lambda', name, 'index.mjs');
  try {
    await build({ ...esbuildOptions(join(REPO_ROOT, entry.entry), outfile), absWorkingDir: REPO_ROOT });
    const bytes = readFileSync(outfile);
    console.log(
      `${name.padEnd(6)} ${kb(bytes.length).padStart(10)}  (gzip ${kb(gzipSync(bytes).length)})  ${entry.entry} -> ${relative(REPO_ROOT, outfile)}`,
    );
    return true;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`${name.padEnd(6)} FAILED  ${entry.entry}\n${message}`);
    return false;
  }
}

const results = [];
for (const name of Object.keys(LAMBDA_ENTRIES) as LambdaName[]) results.push(await bundle(name));
if (results.includes(false)) process.exitCode = 1;
