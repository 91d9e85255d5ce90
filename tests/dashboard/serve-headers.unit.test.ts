/**
 * The dashboard's server side, through requests to the same Hono app the
 * local stack and the Lambda serve: security headers on every answer, the
 * page's configuration in a meta tag (no inline script), hashed assets, and
 * the one-time sign-in code exchange.
 */
import { describe, expect, it } from 'vitest';
import { dashboardApp } from '../../functions/dashboard/serve/dashboard-app.ts';
import type { DashboardAssets } from '../../functions/dashboard/serve/dashboard-assets.ts';
import { createOneTimeCodes, MAX_OUTSTANDING_CODES } from '../../functions/dashboard/serve/one-time-codes.ts';

const ASSETS: DashboardAssets = {
  index:
    '<!doctype html><html><head><!--zapfleet:config--><script type="module" src="/dashboard/assets/main-AAAA.js"></script></head><body><div id="app"></div></body></html>',
  files: new Map([
    ['main-AAAA.js', new TextEncoder().encode('console.log(1)')],
    ['main-BBBB.css', new TextEncoder().encode('body{}')],
  ]),
};
const CONFIG = { wsUrl: 'ws://127.0.0.1:3001/local', tenantClaim: 'tenant', roleClaim: 'role' };

const EXPECTED_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' ws://127.0.0.1:3001; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function expectSecurityHeaders(res: Response): void {
  expect(res.headers.get('content-security-policy')).toBe(EXPECTED_CSP);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
}

describe('dashboard serving', () => {
  const app = dashboardApp({ assets: ASSETS, config: CONFIG });

  it('serves the page at /dashboard and /dashboard/ with the security headers, uncached', async () => {
    for (const path of ['/dashboard', '/dashboard/']) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expectSecurityHeaders(res);
      const html = await res.text();
      expect(html).toContain('<div id="app">');
      // Every script has a src: the CSP allows no inline script, so none may be needed.
      expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
    }
  });

  it('hands the page its configuration in a meta tag, escaped', async () => {
    const hostile = dashboardApp({
      assets: ASSETS,
      config: { ...CONFIG, tenantClaim: '"><script>alert(1)</script>' },
    });
    const html = await (await hostile.request('/dashboard')).text();
    const meta = /<meta name="zapfleet-config" content="([^"]*)" \/>/.exec(html);
    expect(meta).not.toBeNull();
    expect(html).not.toContain('<script>alert(1)');
    const json = (meta?.[1] ?? '')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    expect(JSON.parse(json)).toEqual({
      wsUrl: CONFIG.wsUrl,
      tenantClaim: '"><script>alert(1)</script>',
      roleClaim: 'role',
      signInCodes: false,
    });
  });

  it('serves hashed assets with their type, cached for good, and 404s anything else with the headers', async () => {
    const js = await app.request('/dashboard/assets/main-AAAA.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(js);
    expect(await js.text()).toBe('console.log(1)');
    expect((await app.request('/dashboard/assets/main-BBBB.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    for (const path of ['/dashboard/assets/nope.js', '/dashboard/assets/..%2Findex.html', '/dashboard/x/y']) {
      const res = await app.request(path);
      expect(res.status).toBe(404);
      expectSecurityHeaders(res);
    }
  });

  it('leaves connect-src at self when the WebSocket URL is not ws(s)', async () => {
    const odd = dashboardApp({ assets: ASSETS, config: { ...CONFIG, wsUrl: 'javascript:alert(1)' } });
    const csp = (await odd.request('/dashboard')).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toContain('javascript');
  });
});

describe('one-time sign-in codes', () => {
  const exchange = (app: ReturnType<typeof dashboardApp>, body: unknown) =>
    app.request('/dashboard/signin-code', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('exchanges a code for its token once, uncached', async () => {
    const codes = createOneTimeCodes();
    const app = dashboardApp({ assets: ASSETS, config: CONFIG, signInCodes: codes });
    const code = codes.issue('the.jwt.token');
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const first = await exchange(app, { code });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expectSecurityHeaders(first);
    expect(await first.json()).toEqual({ token: 'the.jwt.token' });
    const second = await exchange(app, { code });
    expect(second.status).toBe(404);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('SIGNIN_CODE_INVALID');
  });

  it('forgets a code after its time, and the oldest past the bound', async () => {
    let now = 1_000_000;
    const codes = createOneTimeCodes(() => now, 60_000);
    const late = codes.issue('late');
    now += 60_001;
    expect(codes.redeem(late)).toBeUndefined();
    const first = codes.issue('first');
    for (let i = 0; i < MAX_OUTSTANDING_CODES; i++) codes.issue(`t${i}`);
    expect(codes.redeem(first)).toBeUndefined();
  });

  it('refuses malformed bodies with 400 and answers 404 where no codes are issued (the cloud)', async () => {
    const app = dashboardApp({ assets: ASSETS, config: CONFIG, signInCodes: createOneTimeCodes() });
    expect((await exchange(app, { code: 42 })).status).toBe(400);
    expect((await exchange(app, { code: 'x'.repeat(500) })).status).toBe(400);
    const notJson = await app.request('/dashboard/signin-code', { method: 'POST', body: 'code=1' });
    expect(notJson.status).toBe(400);
    const cloud = dashboardApp({ assets: ASSETS, config: CONFIG });
    expect((await exchange(cloud, { code: 'anything' })).status).toBe(404);
  });
});
