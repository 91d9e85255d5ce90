/**
 * The fleet page in a real browser against `npm run demo`: as MASTER, the
 * demo's host with its load against capacity, liveness and the sessions it
 * owns; as ADMIN, a plain "needs MASTER" message and no Fleet link.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type Json, poll } from '../../infra/local/demo-clients.ts';
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
  stack = await startDashboardDemo('fleet');
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

async function signInWithToken(page: Page, token: string): Promise<void> {
  await page.goto(`${demo().info.dashboardUrl}#/signin`);
  await page.getByLabel('API token (JWT)').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
}

interface HostJson {
  hostId: string;
  load: number;
  capacity: number;
  live: boolean;
}

describe('fleet page', () => {
  it('shows a MASTER the demo’s host with its load against capacity, liveness and its sessions', async () => {
    const admin = createApiClient(demo().info.apiUrl, demo().info.token);
    const session = await admin.expect(201, 'POST', '/v1/sessions', { name: 'fleet-a' });
    await admin.expect(202, 'POST', `/v1/sessions/${session.id}/start`);
    const masterToken = await demo().mintToken('ops', 'MASTER');
    const master = createApiClient(demo().info.apiUrl, masterToken);
    // The host reports its load with its heartbeat: wait until it counts the started session.
    const host = await poll(
      async () => {
        const { hosts } = (await master.expect(200, 'GET', '/v1/hosts')) as Json & { hosts: HostJson[] };
        return hosts.find((h) => h.live && h.load >= 1);
      },
      'the host to report the session',
      30_000,
      250,
    );

    const checked = await open();
    const { page } = checked;
    await signInWithToken(page, masterToken);
    await page.getByRole('link', { name: 'Fleet', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Fleet' }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(host.hostId) });
    await expect
      .poll(() => row.getByTestId('host-load').textContent())
      .toBe(`${host.load} / ${host.capacity}`);
    await row.getByRole('cell', { name: 'live', exact: true }).waitFor();
    expect(await page.getByTestId('waiting-count').textContent()).toBe('0');
    await row.getByRole('button', { name: `Sessions of ${host.hostId}` }).click();
    const owned = page.getByRole('region', { name: `Sessions on ${host.hostId}` });
    const sessionRow = owned.getByRole('row', { name: /fleet-a/ });
    await sessionRow.waitFor();
    await sessionRow.getByRole('cell', { name: 'demo', exact: true }).waitFor();
    await screenshot(page, 'fleet-master-375');
    await expectNoSeriousA11yViolations(page);

    // A MASTER's overview counts every tenant.
    await page.getByRole('link', { name: 'Overview' }).click();
    // Not a bare 'Every tenant': the tenant filter's label ("… every tenant)") matches that too.
    await page.getByText(/^Every tenant ·/).waitFor();
    expect(Number(await page.getByTestId('sessions-total').textContent())).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'overview-master-375');
    await expectNoSeriousA11yViolations(page);
    checked.assertClean();
  }, 120_000);

  it('tells an ADMIN the page needs a MASTER token, and offers no Fleet link', async () => {
    const checked = await open();
    const { page } = checked;
    await page.goto(demo().info.signInUrl);
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    expect(await page.getByRole('link', { name: 'Fleet', exact: true }).count()).toBe(0);
    await page.goto(`${demo().info.dashboardUrl}#/fleet`);
    await page.getByText('The fleet view needs a MASTER token').waitFor();
    await screenshot(page, 'fleet-admin-375');
    await expectNoSeriousA11yViolations(page);
    checked.assertClean();
  }, 60_000);
});
