/**
 * The API reference at /docs: Swagger UI from the installed swagger-ui-dist
 * package, served by zapfleet (no CDN), rendering /v1/openapi.json. Its files
 * are read from disk where it runs (node_modules locally, the dashboard's
 * build in the cloud), never bundled into the API Lambda (its size budget).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { contentTypeOf } from './dashboard-assets.ts';
import { securityHeaders } from './security-headers.ts';

/** What swagger-ui-dist ships that the page loads. */
export const SWAGGER_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png'] as const;
/** Ours: the page, its initializer (no inline script) and a little style. */
export const OWN_DOCS_FILES = ['index.html', 'docs-init.js', 'docs.css'] as const;

export interface DocsAssets {
  readonly index: string;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export class DocsAssetsMissingError extends Error {
  override readonly name = 'DocsAssetsMissingError';
}

const OWN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs');

/** Where swagger-ui-dist is installed (local stack, build step). */
export function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** Reads the files from `swaggerDir` (swagger-ui-dist's, or a copy) and `ownDir` (ours, or a copy). */
export function readDocsAssets(swaggerDir = swaggerUiDir(), ownDir = OWN_DIR): DocsAssets {
  const files = new Map<string, Uint8Array>();
  for (const [dir, names] of [
    [swaggerDir, SWAGGER_FILES],
    [ownDir, OWN_DOCS_FILES],
  ] as const) {
    for (const name of names) {
      const path = join(dir, name);
      if (!existsSync(path)) throw new DocsAssetsMissingError(`API reference file missing: ${path}`);
      files.set(name, readFileSync(path));
    }
  }
  const index = new TextDecoder().decode(files.get('index.html'));
  files.delete('index.html');
  return { index, files };
}

/**
 * The dashboard's own headers and CSP, unrelaxed: Swagger UI 5 sets its
 * inline styles through the DOM (React's style objects), which
 * `style-src 'self'` allows, and loads nothing from another origin; the
 * initializer is a served file. The browser test fails on any CSP violation.
 */
export function docsSecurityHeaders(wsUrl: string): Record<string, string> {
  return securityHeaders(wsUrl);
}

/** Where the deployed dashboard Lambda keeps the reference's files, next to index.mjs (both sets in one folder). */
export const DOCS_ASSET_DIR = 'docs';

/** One app for the dashboard server: /docs and /docs/* to the reference, the rest to the dashboard. */
export function withDocs(dashboard: Hono, docs: Hono): Hono {
  return new Hono().all('*', (c) => (isDocsPath(c.req.path) ? docs : dashboard).fetch(c.req.raw));
}

export function isDocsPath(pathname: string): boolean {
  return pathname === '/docs' || pathname.startsWith('/docs/');
}

export function docsApp(assets: DocsAssets, wsUrl: string): Hono {
  const app = new Hono();
  const headers = docsSecurityHeaders(wsUrl);
  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });
  for (const path of ['/docs', '/docs/'])
    app.get(path, (c) => c.html(assets.index, 200, { 'cache-control': 'no-store' }));
  app.get('/docs/assets/:name', (c) => {
    const name = c.req.param('name');
    const bytes = assets.files.get(name);
    if (!bytes) return c.json({ error: { code: 'NOT_FOUND', message: 'no such file' } }, 404);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': contentTypeOf(name),
      // Not content-hashed names: revalidate after an hour so an upgrade shows.
      'cache-control': 'public, max-age=3600',
    });
  });
  app.all('/docs/*', (c) => c.json({ error: { code: 'NOT_FOUND', message: 'no such file' } }, 404));
  return app;
}
