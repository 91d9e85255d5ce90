import { resolve } from 'node:path';

/** Repository root: the Lambda bundles' project root and the session-host image's build context. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
