/**
 * Sign-in and the sessions list in a real browser (Debian's Chromium) against
 * `npm run demo`: the banner's one-time link, a pasted token, an expiring and
 * a refused token, where the token is kept (never localStorage, never the
 * URL), and a session's life from the list: create, start, live status,
 * filter, stop, delete behind a confirmation. Every page is checked with axe,
 * at 375 px too, and saved as a screenshot.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../infra/local/demo-clients.ts';
import { signLocalToken } from '../../infra/local/token.ts';
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
const pages: CheckedPage[] = [];

const demo = () => {
  if (!stack) throw new Error('the demo did not start');
  return stack.demo.info;
};

async function open(width?: number): Promise<CheckedPage> {
  if (!browser) throw new Error('no browser');
  const checked = await openCheckedPage(browser, width ? { width } : {});
  pages.push(checked);
  return checked;
}

/** What the page keeps where: the token must be in sessionStorage only. */
const storage = (page: Page) =>
  page.evaluate(`({
    local: Object.keys(localStorage).length,
    session: Object.values(sessionStorage),
    url: location.href,
  })`) as Promise<{ local: number; session: string[]; url: string }>;

const EXPIRED_MESSAGE = 'Your token expired or was refused — sign in again.';

beforeAll(async () => {
  browser = await launchChromium();
  stack = await startDashboardDemo('sessions');
}, 90_000);

afterAll(async () => {
  for (const p of pages) await p.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

describe('dashboard sign-in', { timeout: 60_000 }, () => {
  it('signs in once with the demo banner link, then keeps the token out of the URL and localStorage', async () => {
    const { page, assertClean } = await open();
    await page.goto(demo().signInUrl);
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await expect.poll(() => page.getByText(`${demo().tenant} · ADMIN`).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/Token expires in 1[01] h/).isVisible()).toBe(true);
    const kept = await storage(page);
    expect(kept.local).toBe(0);
    expect(kept.session).toEqual([demo().token]);
    expect(kept.url).not.toContain(demo().token);
    expect(kept.url).not.toContain('code=');
    // The code is gone from history too: going back does not land on the link.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    expect(page.url()).not.toContain('code=');
    await expectNoSeriousA11yViolations(page);
    await screenshot(page, 'sessions-empty');
    assertClean();

    // The same link a second time: used up.
    const again = await open();
    await again.page.goto(demo().signInUrl);
    await again.page.getByRole('alert').filter({ hasText: 'already used or has expired' }).waitFor();
    expect((await storage(again.page)).session).toEqual([]);
    expect(again.page.url()).not.toContain('code=');
    await expectNoSeriousA11yViolations(again.page);
    await screenshot(again.page, 'signin-link-used');
    again.assertClean([/status of 404/]);
  });

  it('signs in with a pasted token, at 375 px', async () => {
    const { page, assertClean } = await open(375);
    await page.goto(demo().dashboardUrl);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(page.url()).toMatch(/#\/signin$/);
    await expectNoSeriousA11yViolations(page);
    await screenshot(page, 'signin-375');
    await page.getByLabel('API token (JWT)').fill(demo().token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    const kept = await storage(page);
    expect(kept.local).toBe(0);
    expect(kept.url).not.toContain(demo().token);
    await expectNoSeriousA11yViolations(page);
    await screenshot(page, 'sessions-375');
    assertClean();
  });

  it('returns to sign-in with a clear message when the token expires, and refuses it pasted again', async () => {
    const short = await signLocalToken(demo().stateDir, {
      tenant: demo().tenant,
      role: 'ADMIN',
      ttlSeconds: 4,
    });
    const { page, assertClean } = await open();
    await page.goto(demo().dashboardUrl);
    await page.getByLabel('API token (JWT)').fill(short);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    // The expiry timer signs out at exp, with no request needed.
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor({ timeout: 15_000 });
    await page.getByRole('status').filter({ hasText: EXPIRED_MESSAGE }).waitFor();
    expect((await storage(page)).session).toEqual([]);
    await screenshot(page, 'signin-expired');
    await page.getByLabel('API token (JWT)').fill(short);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'This token has expired' }).waitFor();
    assertClean();
  });

  it('returns to the page that was asked for after signing in', async () => {
    const { page, assertClean } = await open();
    await page.goto(`${demo().dashboardUrl}#/overview`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/signin?next=%2Foverview');
    await page.getByLabel('API token (JWT)').fill(demo().token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/overview');
    // Only a path of the dashboard's own: anything else lands on the sessions list.
    const other = await open();
    await other.page.goto(`${demo().dashboardUrl}#/signin?next=//evil.example`);
    await other.page.getByLabel('API token (JWT)').fill(demo().token);
    await other.page.getByRole('button', { name: 'Sign in' }).click();
    await other.page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    expect(new URL(other.page.url()).hash).toBe('#/sessions');
    assertClean();
    other.assertClean();
  });

  it('refuses a token the API does not accept, and keeps nothing of it', async () => {
    const { page, assertClean } = await open();
    await page.goto(demo().dashboardUrl);
    const forged = `${demo().token.slice(0, demo().token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    await page.getByLabel('API token (JWT)').fill(forged);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The API refused this token (UNAUTHENTICATED' })
      .waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect((await storage(page)).session).toEqual([]);
    assertClean([/status of 401/]);
  });
});

describe('dashboard serving on the local stack', () => {
  it('answers /dashboard with the strict CSP (connections only to this stack’s WebSocket and media bucket) and the other headers', async () => {
    const res = await fetch(demo().dashboardUrl);
    expect(res.status).toBe(200);
    const ws = new URL(demo().wsUrl);
    expect(res.headers.get('content-security-policy')).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' ws://${ws.host} ${new URL(demo().storage.s3Endpoint).origin}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const missing = await fetch(`${demo().dashboardUrl}/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    // The API next to it is untouched by the dashboard's routes.
    expect((await fetch(`${demo().apiUrl}/v1/health`)).status).toBe(200);
  });
});

describe('dashboard sessions list', { timeout: 90_000 }, () => {
  it('creates, starts (status changes live), filters, stops and deletes a session behind a confirmation', async () => {
    const { page, assertClean } = await open();
    await page.goto(demo().signInUrl.replace(/#.*/, ''));
    await page.getByLabel('API token (JWT)').fill(demo().token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();

    const name = `list-${Date.now().toString(36)}`;
    await page.getByLabel('New session name').fill(name);
    await page.getByRole('button', { name: 'Create session' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name }) });
    await row.getByText('STOPPED').waitFor();

    // The same name again: the API's error code and message are shown.
    await page.getByLabel('New session name').fill(name);
    await page.getByRole('button', { name: 'Create session' }).click();
    await page.getByRole('alert').filter({ hasText: 'SESSION_NAME_TAKEN' }).waitFor();
    await page.getByRole('button', { name: 'Dismiss error' }).click();
    await page.getByRole('alert').waitFor({ state: 'detached' });

    // Start: the answer says STARTING at most; QR arrives only as a live event over the WebSocket.
    await row.getByRole('button', { name: `Start ${name}` }).click();
    await row.getByText('QR', { exact: true }).waitFor({ timeout: 20_000 });
    await expectNoSeriousA11yViolations(page);
    await screenshot(page, 'sessions-qr');

    await page.getByLabel('Status').selectOption('CONNECTED');
    await page.getByText('No session matches').waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search by name').fill('no-such-name');
    await page.getByText('No session matches').waitFor();
    await page.getByLabel('Search by name').fill(name.slice(0, 8));
    await row.waitFor();

    await row.getByRole('button', { name: `Stop ${name}` }).click();
    await row.getByText('STOPPED').waitFor({ timeout: 20_000 });

    // Log out asks first, then the session is LOGGED_OUT (its keys wiped).
    await row.getByRole('button', { name: `Log out ${name}` }).click();
    const logout = page.getByRole('dialog', { name: 'Log out this session?' });
    await logout.getByRole('button', { name: 'Log out' }).click();
    await logout.waitFor({ state: 'detached' });
    await row.getByText('LOGGED_OUT').waitFor({ timeout: 20_000 });

    const href = await row.getByRole('link', { name }).getAttribute('href');
    expect(href).toMatch(/^#\/sessions\/ses_/);
    const id = decodeURIComponent((href ?? '').replace('#/sessions/', ''));

    // By keyboard: Enter opens the confirmation, Escape closes it and focus returns to the button.
    const deleteButton = row.getByRole('button', { name: `Delete ${name}` });
    await deleteButton.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Delete this session?' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => deleteButton.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    // Delete asks first; Cancel keeps the session.
    await row.getByRole('button', { name: `Delete ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this session?' });
    await dialog.waitFor();
    await expectNoSeriousA11yViolations(page);
    await screenshot(page, 'sessions-confirm-delete');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    const api = createApiClient(demo().apiUrl, demo().token);
    expect((await api.request('GET', `/v1/sessions/${id}`)).status).toBe(200);

    await row.getByRole('button', { name: `Delete ${name}` }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await api.request('GET', `/v1/sessions/${id}`)).status).toBe(404);
    assertClean([/status of 409/]);
  });

  it('lets a MASTER pick the tenant it lists and creates in; an ADMIN has no such control', async () => {
    if (!stack) throw new Error('the demo did not start');
    const master = await stack.demo.mintToken('ops', 'MASTER');
    const { page, assertClean } = await open();
    await page.goto(demo().dashboardUrl);
    await page.getByLabel('API token (JWT)').fill(master);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await page.getByText('ops · MASTER').waitFor();
    await page.getByLabel('Tenant (MASTER sees every tenant)').fill(demo().tenant);
    await page.getByRole('button', { name: 'Show tenant' }).click();
    const name = `master-${Date.now().toString(36)}`;
    await page.getByLabel('New session name').fill(name);
    await page.getByRole('button', { name: 'Create session' }).click();
    await page.getByRole('link', { name }).waitFor();
    await expectNoSeriousA11yViolations(page);
    await screenshot(page, 'sessions-master');
    // Created in the demo tenant: its ADMIN sees it.
    const admin = createApiClient(demo().apiUrl, demo().token);
    const listed = (await admin.expect(200, 'GET', '/v1/sessions?limit=100')) as {
      sessions: { name?: string }[];
    };
    expect(listed.sessions.map((x) => x.name)).toContain(name);
    assertClean();

    const adminPage = await open();
    await adminPage.page.goto(demo().signInUrl.replace(/#.*/, ''));
    await adminPage.page.getByLabel('API token (JWT)').fill(demo().token);
    await adminPage.page.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.page.getByRole('link', { name }).waitFor();
    expect(await adminPage.page.getByLabel('Tenant (MASTER sees every tenant)').count()).toBe(0);
    adminPage.assertClean();
  });
});
