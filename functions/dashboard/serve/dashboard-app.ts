/**
 * The dashboard's server side: the page at /dashboard, its hashed files at
 * /dashboard/assets/*, and (local stack only) the one-time sign-in code
 * exchange. Every response carries the security headers.
 */
import { Hono } from 'hono';
import { contentTypeOf, type DashboardAssets } from './dashboard-assets.ts';
import type { OneTimeCodes } from './one-time-codes.ts';
import { withSecurityHeaders } from './security-headers.ts';

export interface DashboardPageConfig {
  /** The WebSocket gateway the page connects to (and the CSP allows). */
  readonly wsUrl: string;
  readonly tenantClaim: string;
  readonly roleClaim: string;
  /** The media bucket's origin, where the page PUTs uploads (the CSP allows it); unset, the page sends text only. */
  readonly mediaUploadOrigin?: string;
}

export interface DashboardAppOptions {
  readonly assets: DashboardAssets;
  readonly config: DashboardPageConfig;
  /** Set only where sign-in links are issued (the local demo); absent, the exchange is 404. */
  readonly signInCodes?: OneTimeCodes;
}

const MAX_CODE_LENGTH = 128;

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page with its configuration in a meta tag: the CSP forbids inline script, and a tag needs none. */
export function renderIndex(template: string, config: DashboardPageConfig, signInCodes: boolean): string {
  const json = JSON.stringify({ ...config, signInCodes });
  return template.replace(
    '<!--zapfleet:config-->',
    `<meta name="zapfleet-config" content="${escapeAttr(json)}" />`,
  );
}

const notFound = { error: { code: 'NOT_FOUND', message: 'no such dashboard file' } };

export function dashboardApp(options: DashboardAppOptions): Hono {
  const app = new Hono();
  const index = renderIndex(options.assets.index, options.config, options.signInCodes !== undefined);
  app.use(withSecurityHeaders(options.config.wsUrl, options.config.mediaUploadOrigin));

  for (const path of ['/dashboard', '/dashboard/'])
    app.get(path, (c) => c.html(index, 200, { 'cache-control': 'no-store' }));

  app.get('/dashboard/assets/:name', (c) => {
    const name = c.req.param('name');
    const bytes = options.assets.files.get(name);
    if (!bytes) return c.json(notFound, 404);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': contentTypeOf(name),
      // Names are content hashes: a change is a new name.
      'cache-control': 'public, max-age=31536000, immutable',
    });
  });

  app.post('/dashboard/signin-code', async (c) => {
    const codes = options.signInCodes;
    const refused = c.json(
      {
        error: { code: 'SIGNIN_CODE_INVALID', message: 'this sign-in link was already used or has expired' },
      },
      404,
      { 'cache-control': 'no-store' },
    );
    if (!codes) return refused;
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      body = undefined;
    }
    const code = (body as { code?: unknown } | undefined)?.code;
    if (typeof code !== 'string' || code.length === 0 || code.length > MAX_CODE_LENGTH)
      return c.json(
        { error: { code: 'VALIDATION_FAILED', message: 'body must be {"code": "<sign-in code>"}' } },
        400,
      );
    const token = codes.redeem(code);
    if (!token) return refused;
    return c.json({ token }, 200, { 'cache-control': 'no-store' });
  });

  app.all('/dashboard/*', (c) => c.json(notFound, 404));
  return app;
}

/** True for the paths the dashboard app answers; everything else goes to the API. */
export function isDashboardPath(pathname: string): boolean {
  return pathname === '/dashboard' || pathname.startsWith('/dashboard/');
}
