/**
 * /docs in a real browser against `npm run demo`: Swagger UI served by
 * zapfleet under its CSP (no inline script), reached from the dashboard's
 * "API reference" link with the signed-in token, and an operation tried
 * with it answers 200.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckedPage,
  type DashboardDemo,
  expectNoSeriousA11yViolations,
  launchChromium,
  openCheckedPage,
  screenshot,
  startDashboardDemo,
} from './support/index.ts';

let stack: DashboardDemo | undefined;
let browser: Browser | undefined;
const opened: CheckedPage[] = [];

beforeAll(async () => {
  stack = await startDashboardDemo('docs');
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  for (const p of opened) await p.close();
  await browser?.close();
  await stack?.stop();
});

async function open(width = 1280): Promise<CheckedPage> {
  if (!browser) throw new Error('no browser');
  const checked = await openCheckedPage(browser, { width });
  opened.push(checked);
  return checked;
}

describe('/docs', () => {
  it('tries GET /v1/sessions with the dashboard’s token and shows 200', async () => {
    const info = stack?.demo.info;
    if (!info) throw new Error('the demo did not start');
    const checked = await open();
    const { page } = checked;
    await page.goto(info.signInUrl);
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await page.getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL(/\/docs$/);
    expect(page.url()).not.toContain(info.token);
    await page.getByText('Signed in from the dashboard').waitFor();
    const op = page.locator('.opblock-get', { has: page.locator('[data-path="/v1/sessions"]') }).first();
    await op.locator('.opblock-summary-control').click();
    await op.getByRole('button', { name: 'Try it out' }).click();
    await op.getByRole('button', { name: 'Execute' }).click();
    const status = op.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    // The request Swagger UI showed carries the bearer header, and the token is in no URL it made.
    expect(await op.locator('.curl-command').textContent()).toContain('Authorization: Bearer');
    await screenshot(page, 'docs-tried');
    await expectNoSeriousA11yViolations(page);
    checked.assertClean();
  }, 90_000);

  it('serves Swagger UI’s files itself under a CSP without inline script', async () => {
    const info = stack?.demo.info;
    if (!info) throw new Error('the demo did not start');
    const res = await fetch(`${info.apiUrl}/docs`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const bundle = await fetch(`${info.apiUrl}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${info.apiUrl}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it('without a dashboard sign-in, says how to authorize', async () => {
    const info = stack?.demo.info;
    if (!info) throw new Error('the demo did not start');
    const checked = await open(375);
    const { page } = checked;
    await page.goto(`${info.apiUrl}/docs`);
    await page.getByText('Not signed in').waitFor();
    await screenshot(page, 'docs-375');
    checked.assertClean();
  }, 60_000);
});
