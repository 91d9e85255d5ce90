/**
 * The overview page in a real browser against `npm run demo`: after a
 * session is linked and messages go both ways, the page's counts are the
 * messages sent, and another tenant's overview shows none of them.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, createControlClient, type Json, poll } from '../../infra/local/demo-clients.ts';
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
const PHONE = '15550000001';
const ALICE = '15550000002';

beforeAll(async () => {
  stack = await startDashboardDemo('overview');
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  for (const p of opened) await p.close();
  await browser?.close();
  await stack?.stop();
});

const demo = () => {
  if (!stack) throw new Error('the demo did not start');
  return stack.demo;
};

async function open(): Promise<CheckedPage> {
  if (!browser) throw new Error('no browser');
  const checked = await openCheckedPage(browser, { width: 375 });
  opened.push(checked);
  return checked;
}

describe('overview page', () => {
  it('shows the messages sent in and out and the sessions by status, for its own tenant only', async () => {
    const api = createApiClient(demo().info.apiUrl, demo().info.token);
    const control = createControlClient(demo().info.controlUrl);
    const session = await api.expect(201, 'POST', '/v1/sessions', { name: 'counted' });
    const path = `/v1/sessions/${session.id}`;
    await api.expect(202, 'POST', `${path}/start`);
    const qr = await poll(
      async () => {
        const res = await api.request('GET', `${path}/qr`);
        return res.status === 200 ? (res.body as Json) : undefined;
      },
      'a QR',
      30_000,
    );
    await control.scan(String(qr.qr), PHONE);
    await poll(
      async () => ((await api.expect(200, 'GET', path)).status === 'CONNECTED' ? true : undefined),
      'CONNECTED',
      30_000,
    );
    for (const text of ['one', 'two', 'three']) await control.sendText(ALICE, PHONE, `in ${text}`);
    for (const text of ['a', 'b'])
      await api.expect(202, 'POST', `${path}/messages`, { to: ALICE, text: `out ${text}` });
    await poll(
      async () => ((await control.inbox(ALICE)).length >= 2 ? true : undefined),
      'Alice to receive both replies',
      30_000,
    );

    const checked = await open();
    const { page } = checked;
    await page.goto(demo().info.signInUrl);
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return [
            await page.getByTestId('messages-in').textContent(),
            await page.getByTestId('messages-out').textContent(),
          ];
        },
        { timeout: 30_000, interval: 500 },
      )
      .toEqual(['3', '2']);
    expect(await page.getByTestId('sessions-total').textContent()).toBe('1');
    expect(await page.getByRole('img', { name: /^Sessions by status/ }).getAttribute('aria-label')).toContain(
      'CONNECTED 1',
    );
    await page.getByRole('img', { name: /^Messages per minute/ }).waitFor();
    await screenshot(page, 'overview-375');
    await expectNoSeriousA11yViolations(page);
    checked.assertClean();

    // Another tenant's ADMIN sees none of it.
    const other = await open();
    await other.page.goto(`${demo().info.dashboardUrl}#/signin`);
    await other.page.getByLabel('API token (JWT)').fill(await demo().mintToken('other-tenant', 'ADMIN'));
    await other.page.getByRole('button', { name: 'Sign in' }).click();
    await other.page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await other.page.getByRole('link', { name: 'Overview' }).click();
    await other.page.getByText('Tenant other-tenant').waitFor();
    expect(await other.page.getByTestId('messages-in').textContent()).toBe('0');
    expect(await other.page.getByTestId('messages-out').textContent()).toBe('0');
    expect(await other.page.getByTestId('sessions-total').textContent()).toBe('0');
    other.assertClean();
  }, 150_000);
});
