/**
 * How every Lambda is bundled. `NodejsFunction` (CDK synth) and `npm run build`
 * (infra/build.ts) both read this module, so the bundle measured by the build
 * is the bundle that is deployed.
 */

import { join } from 'node:path';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { REPO_ROOT } from './repo-paths.ts';

/** Runtime major of the Lambdas and of the session-host image. */
export const NODE_TARGET = 'node22';

/**
 * Some bundled CommonJS packages (pino, for one) call `require('os')` and the
 * like; an ESM bundle has no `require`, so esbuild's shim throws "Dynamic
 * require of ... is not supported" without this banner.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __zfCreateRequire } from 'node:module'; const require = __zfCreateRequire(import.meta.url);";

/** The Node 22 Lambda runtime ships AWS SDK v3; bundling it again only grows the bundle. */
export const LAMBDA_EXTERNALS: readonly string[] = ['@aws-sdk/*'];

/**
 * Bare imports the bundles resolve to our own module instead: `zod` to zod
 * with English as its only locale (infra/bundle/zod-lean.ts says why). An
 * absolute path, because CDK runs esbuild from its own working directory.
 */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  zod: join(REPO_ROOT, 'infra', 'bundle', 'zod-lean.ts'),
};

/** The single description both adapters below translate. */
export const LAMBDA_BUNDLE = {
  format: 'esm',
  platform: 'node',
  target: NODE_TARGET,
  minify: true,
  sourcemap: false,
  mainFields: ['module', 'main'],
  external: LAMBDA_EXTERNALS,
  alias: LAMBDA_ALIASES,
  banner: ESM_REQUIRE_BANNER,
} as const;

export type LambdaName = 'api' | 'ws' | 'webhooks';

export interface LambdaEntry {
  /** Path from the repository root. */
  readonly entry: string;
  readonly handler: string;
}

export const LAMBDA_ENTRIES: Readonly<Record<LambdaName, LambdaEntry>> = {
  api: { entry: 'functions/api/handler.ts', handler: 'handler' },
  ws: { entry: 'functions/ws/handler.ts', handler: 'handler' },
  webhooks: { entry: 'functions/webhooks/handler.ts', handler: 'handler' },
};

/** `NodejsFunction` bundling options; `forceDockerBundling: false` keeps synth on the local esbuild. */
export function cdkBundlingOptions(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: LAMBDA_BUNDLE.target,
    minify: LAMBDA_BUNDLE.minify,
    sourceMap: LAMBDA_BUNDLE.sourcemap,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    externalModules: [...LAMBDA_BUNDLE.external],
    banner: LAMBDA_BUNDLE.banner,
    // CDK has no `alias` prop; it renders `--alias` entries as esbuild's `--alias:from=to`.
    esbuildArgs: { '--alias': Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => `${from}=${to}`) },
    forceDockerBundling: false,
  };
}

/** The same bundle through esbuild's JS API, for infra/build.ts. */
export function esbuildOptions(entryPoint: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    format: LAMBDA_BUNDLE.format,
    platform: LAMBDA_BUNDLE.platform,
    target: LAMBDA_BUNDLE.target,
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourcemap,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    external: [...LAMBDA_BUNDLE.external],
    alias: { ...LAMBDA_BUNDLE.alias },
    banner: { js: LAMBDA_BUNDLE.banner },
    logLevel: 'silent',
    metafile: true,
  };
}
