/** zod's core namespace (node_modules/zod/v4/core/index.js) with English as its only locale; see zod-lean.ts. */
import en from '../../node_modules/zod/v4/locales/en.js';

export * from '../../node_modules/zod/v4/core/index.js';
export const locales = { en };
