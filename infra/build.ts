/**
 * `npm run build`: bundles every Lambda exactly as `cdk synth` does (same
 * options module) into dist/lambda/<name>/index.mjs, and the session host
 * exactly as its Dockerfile does (session-host/bundle/host-bundle.ts) into
 * dist/session-host.mjs, and prints each size. Exits non-zero when any
 * bundle fails.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { HOST_ENTRY, HOST_OUTFILE, hostBundleOptions } from '../session-host/bundle/host-bundle.ts';
import { esbuildOptions, LAMBDA_ENTRIES, type LambdaName } from './constructs/lambda-bundle.ts';
import { REPO_ROOT } from './constructs/repo-paths.ts';

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

async function bundle(name: string, entry: string, outfile: string, options: BuildOptions): Promise<boolean> {
  try {
    await build(options);
    const bytes = readFileSync(outfile);
    console.log(
      `${name.padEnd(6)} ${kb(bytes.length).padStart(10)}  (gzip ${kb(gzipSync(bytes).length)})  ${entry} -> ${relative(REPO_ROOT, outfile)}`,
    );
    return true;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`${name.padEnd(6)} FAILED  ${entry}\n${message}`);
    return false;
  }
}

const results = [];
for (const name of Object.keys(LAMBDA_ENTRIES) as LambdaName[]) {
  const { entry } = LAMBDA_ENTRIES[name];
  const outfile = join(REPO_ROOT, 'dist', 'lambda', name, 'index.mjs');
  const options = { ...esbuildOptions(join(REPO_ROOT, entry), outfile), absWorkingDir: REPO_ROOT };
  results.push(await bundle(name, entry, outfile, options));
}
results.push(await bundle('host', HOST_ENTRY, join(REPO_ROOT, HOST_OUTFILE), hostBundleOptions(REPO_ROOT)));
if (results.includes(false)) process.exitCode = 1;
