/** A built dashboard: the page template and its hashed files, wherever they were read from. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const INDEX_FILE = 'index.html';

export interface DashboardAssets {
  /** index.html with its asset tags, and a `<!--zapfleet:config-->` placeholder. */
  readonly index: string;
  /** `main-ABC123.js` → bytes; names are content hashes, so they are cached for good. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export class DashboardNotBuiltError extends Error {
  override readonly name = 'DashboardNotBuiltError';
}

/** Reads a build written by `npm run build` (dist/dashboard, or next to the Lambda's bundle). */
export function readDashboardAssets(dir: string): DashboardAssets {
  const indexPath = join(dir, INDEX_FILE);
  if (!existsSync(indexPath))
    throw new DashboardNotBuiltError(`no dashboard build in ${dir} (npm run build)`);
  const files = new Map<string, Uint8Array>();
  const assetsDir = join(dir, 'assets');
  for (const name of existsSync(assetsDir) ? readdirSync(assetsDir) : [])
    files.set(name, readFileSync(join(assetsDir, name)));
  return { index: readFileSync(indexPath, 'utf8'), files };
}

const TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2',
};

export function contentTypeOf(name: string): string {
  return TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}
