/**
 * `npm run bench -- cold-start [--runs 20]`: size and cold init of each Lambda
 * bundle against a bare Hono app (one route, same adapter) bundled with the
 * same esbuild options in the same run. Each bundle is built exactly as
 * `npm run build` builds it, then imported in a fresh `node` process, `runs`
 * times, interleaved so machine noise hits every bundle alike; the figure is
 * the median. Imports the bundle leaves external (the AWS SDK) resolve from
 * node_modules as they would from the Lambda runtime, so their load time
 * counts. initMs is the `import()` of the handler module; processMs adds
 * Node's own start, which is the same for every bundle. Beside them: the SDK
 * floor (bare Hono plus the same AWS SDK imports and clients) and the same
 * Lambdas with the SDK bundled, the alternative to the external SDK. JSON on
 * the last line.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE_BUDGET_BYTES } from '../../infra/bundle/bundle-budget.ts';
import { esbuildOptions, LAMBDA_ENTRIES, type LambdaName } from '../../infra/constructs/lambda-bundle.ts';
import { REPO_ROOT } from '../../infra/constructs/repo-paths.ts';
import { benchArgs, percentile } from './bench-support.ts';
import { BARE_ENV, lambdaInitEnv } from './cold-start-env.ts';

const args = benchArgs('cold-start', { runs: 20 });
const run = promisify(execFile);
/** Issue #18: a Lambda's cold init at most this many times a bare Hono app's. */
const INIT_RATIO_TARGET = 2;

/** Runs in the fresh process: time the handler module's import, then leave at once. */
const PROBE = [
  'const t0 = performance.now();',
  'const mod = await import(process.argv.at(-1));',
  'const t1 = performance.now();',
  "if (typeof mod.handler !== 'function') throw new Error('no handler export');",
  'process.stdout.write(JSON.stringify({ initMs: t1 - t0, processMs: t1 }));',
  'process.exit(0);',
].join('\n');

interface Target {
  readonly name: string;
  readonly entry: string;
  readonly env: Record<string, string>;
  /** Bundle the AWS SDK too (the alternative weighed, not what ships). */
  readonly sdkBundled?: boolean;
}

const outDir = join(REPO_ROOT, 'dist', 'bench', 'cold-start');
const targets: Target[] = [
  ...(Object.keys(LAMBDA_ENTRIES) as LambdaName[]).map((name) => ({
    name,
    entry: LAMBDA_ENTRIES[name].entry,
    env: lambdaInitEnv(name),
  })),
  { name: 'bareHono', entry: 'tests/bench/cold-start-bare-hono.ts', env: BARE_ENV },
  { name: 'sdkFloorApi', entry: 'tests/bench/cold-start-floor-api.ts', env: BARE_ENV },
  { name: 'sdkFloorWs', entry: 'tests/bench/cold-start-floor-ws.ts', env: BARE_ENV },
  ...(['api', 'ws'] as const).map((name) => ({
    name: `${name}SdkBundled`,
    entry: LAMBDA_ENTRIES[name].entry,
    env: lambdaInitEnv(name),
    sdkBundled: true,
  })),
];
const NOT_SHIPPED = new Set(['bareHono', 'sdkFloorApi', 'sdkFloorWs', 'apiSdkBundled', 'wsSdkBundled']);

const bytes: Record<string, number> = {};
for (const t of targets) {
  const outfile = join(outDir, t.name, 'index.mjs');
  const options = esbuildOptions(join(REPO_ROOT, t.entry), outfile);
  await build({ ...options, absWorkingDir: REPO_ROOT, ...(t.sdkBundled && { external: [] }) });
  bytes[t.name] = readFileSync(outfile).length;
}

async function probe(t: Target): Promise<{ initMs: number; processMs: number }> {
  const outfile = join(outDir, t.name, 'index.mjs');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PROBE, outfile], {
    // Only the Lambda's variables (and PATH): nothing of this shell leaks into the measured init.
    env: { PATH: process.env.PATH ?? '', ...t.env },
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  return JSON.parse(stdout) as { initMs: number; processMs: number };
}

const samples: Record<string, { initMs: number[]; processMs: number[] }> = {};
for (const t of targets) {
  await probe(t); // warm the file cache: a Lambda reads its bundle from local disk too
  samples[t.name] = { initMs: [], processMs: [] };
}
for (let i = 0; i < args.runs; i++) {
  for (const t of targets) {
    const s = await probe(t);
    samples[t.name]?.initMs.push(s.initMs);
    samples[t.name]?.processMs.push(s.processMs);
  }
  process.stderr.write(`cold-start: run ${i + 1}/${args.runs}\n`);
}

const figure = (name: string) => ({
  bytes: bytes[name] as number,
  initMs: percentile(samples[name]?.initMs ?? [], 50),
  processMs: percentile(samples[name]?.processMs ?? [], 50),
});
const bare = figure('bareHono');
const floors: Partial<Record<LambdaName, ReturnType<typeof figure>>> = {
  api: figure('sdkFloorApi'),
  ws: figure('sdkFloorWs'),
};
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const lambdas: Record<string, ReturnType<typeof figure>> = {};
const ratios: Record<string, Record<string, number>> = {};
for (const t of targets.filter((t) => !NOT_SHIPPED.has(t.name))) {
  const f = figure(t.name);
  const floor = floors[t.name as LambdaName];
  lambdas[t.name] = f;
  ratios[t.name] = {
    initVsBareHono: ratio(f.initMs, bare.initMs),
    processVsBareHono: ratio(f.processMs, bare.processMs),
    ...(floor && { initVsSdkFloor: ratio(f.initMs, floor.initMs) }),
  };
}
const sdkBundled = { api: figure('apiSdkBundled'), ws: figure('wsSdkBundled') };
const rows: [string, ReturnType<typeof figure>][] = [
  ...Object.entries(lambdas),
  ['bareHono', bare],
  ...Object.entries(sdkBundled).map(
    ([name, f]) => [`sdkBundled.${name}`, f] as [string, ReturnType<typeof figure>],
  ),
  ...Object.entries(floors).map(
    ([name, f]) => [`sdkFloor.${name}`, f] as [string, ReturnType<typeof figure>],
  ),
];
for (const [name, f] of rows) {
  process.stderr.write(
    `${name.padEnd(14)} ${(f.bytes / 1024).toFixed(1).padStart(7)} KB  init ${f.initMs.toFixed(1).padStart(6)} ms  process ${f.processMs.toFixed(1).padStart(6)} ms\n`,
  );
}
const met = Object.fromEntries(
  Object.entries(lambdas).map(([name, f]) => [
    name,
    {
      bytes: f.bytes <= LAMBDA_BUNDLE_BUDGET_BYTES,
      init: (ratios[name]?.initVsBareHono ?? Number.POSITIVE_INFINITY) <= INIT_RATIO_TARGET,
    },
  ]),
);
console.log(
  JSON.stringify({
    ...lambdas,
    bareHono: bare,
    sdkFloor: floors,
    sdkBundled,
    ratios,
    targets: { bytes: LAMBDA_BUNDLE_BUDGET_BYTES, initVsBareHono: INIT_RATIO_TARGET },
    met,
    runs: args.runs,
  }),
);
