/**
 * zod's classic namespace (node_modules/zod/v4/classic/external.js) with the
 * `core` and `locales` members replaced by English-only ones: a local export
 * shadows the same name from `export *`, so the all-languages modules are no
 * longer referenced and esbuild drops them. Paths are relative on purpose: the
 * bundle aliases the bare `zod` (and esbuild would alias `zod/…` too).
 */
export * from '../../node_modules/zod/v4/classic/external.js';
export * as core from './zod-lean-core.ts';
export { locales } from './zod-lean-core.ts';
