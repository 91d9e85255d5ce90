/**
 * How the session-host image bundles the host: the Dockerfile's build stage
 * runs `npm run build:host` (build-host.ts), `npm run build` and the
 * shipped-bundle test call `buildHostBundle` from here, so the bundle tested
 * is the bundle that ships. It lives under session-host/ because the image's
 * build context excludes infra/ (see .dockerignore).
 */
import type { BuildOptions } from 'esbuild';

/** Runtime major of the image (`FROM node:22-slim`); tests/infra checks it matches the Lambdas'. */
export const HOST_NODE_TARGET = 'node22';

/**
 * Bundled CommonJS code (pino, libsignal) calls `require` for Node built-ins;
 * an ESM bundle has none, so esbuild's shim would throw without this banner.
 */
export const HOST_REQUIRE_BANNER =
  "import { createRequire as __zfCreateRequire } from 'node:module'; const require = __zfCreateRequire(import.meta.url);";

/**
 * Optional media packages Baileys loads on demand, and ws' optional native
 * helpers: they resolve from the image's production node_modules when installed.
 * libsignal stays bundled on purpose: its console dumps are recognised by
 * content, not by file path (runtime/quiet-libsignal.ts), and the host's
 * console is a sink (runtime/console-sink.ts), so packaging cannot reopen the
 * leak that a path-based filter had in this bundle.
 */
export const HOST_EXTERNALS: readonly string[] = [
  'sharp',
  'jimp',
  'link-preview-js',
  'audio-decode',
  'bufferutil',
  'utf-8-validate',
];

/** Entry and output, relative to the build's working directory (the image's /app). */
export const HOST_ENTRY = 'session-host/src/main.ts';
export const HOST_OUTFILE = 'dist/session-host.mjs';

export function hostBundleOptions(workingDir: string, outfile = HOST_OUTFILE): BuildOptions {
  return {
    absWorkingDir: workingDir,
    entryPoints: [HOST_ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    target: HOST_NODE_TARGET,
    format: 'esm',
    mainFields: ['module', 'main'],
    external: [...HOST_EXTERNALS],
    banner: { js: HOST_REQUIRE_BANNER },
    logLevel: 'warning',
    metafile: true,
  };
}
