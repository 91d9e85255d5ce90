/**
 * What `zod` resolves to in the Lambda bundles (esbuild `alias`, see
 * infra/constructs/lambda-bundle.ts): zod's own entry, with English as the
 * only locale. `import { z } from 'zod'` hands esbuild the whole namespace as
 * a value (and @hono/zod-openapi passes it to extendZodWithOpenApi), so
 * nothing under it is tree-shaken: zod 4.6.7's `z.locales` and
 * `z.core.locales` put every language's error messages, 264 KB of a 851 KB
 * API bundle, into each Lambda, which only ever speaks English (zod's default,
 * registered by `ZodType` itself). Same shape as node_modules/zod/index.js.
 */
import * as z from './zod-lean-external.ts';

export * from './zod-lean-external.ts';
export { z, z as default };
