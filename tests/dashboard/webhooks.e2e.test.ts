/**
 * The webhooks page in a real browser against `npm run demo`: add an
 * endpoint (its secret shown once and copyable), see a signed delivery arrive
 * and listed with its answer code, see a failing receiver's 500 dead-lettered
 * in the log, replay it, send a test and rotate the secret.
 */
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, poll } from '../../infra/local/demo-clients.ts';
import {
  type CheckedPage,
  type DashboardDemo,
  expectNoSeriousA11yViolations,
  launchChromium,
  openCheckedPage,
  screenshot,
  startDashboardDemo,
} from './support/index.ts';
import { startReceiver, type TestReceiver } from './webhook-receivers.ts';

let stack: DashboardDemo | undefined;
let browser: Browser | undefined;
let checked: CheckedPage | undefined;
const receivers: TestReceiver[] = [];

beforeAll(async () => {
  // Two quick retries, so a failing receiver's delivery is dead-lettered within the test.
  stack = await startDashboardDemo('webhooks', {
    ZAPFLEET_WEBHOOK_RETRY_DELAYS_MS: '200,200',
    ZAPFLEET_WEBHOOK_SWEEP_INTERVAL_MS: '200',
  });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await checked?.close();
  await browser?.close();
  for (const r of receivers) await r.close();
  await stack?.stop();
});

const info = () => {
  const i = stack?.demo.info;
  if (!i) throw new Error('the demo did not start');
  return i;
};

/** Adds an endpoint through the form; resolves with the secret the page showed. */
async function addEndpoint(page: Page, url: string): Promise<string> {
  await page.getByLabel('Endpoint URL').fill(url);
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const secret = page.getByTestId('webhook-secret');
  await secret.waitFor();
  return (await secret.textContent())?.trim() ?? '';
}

/** Waits until a row of an endpoint's delivery log shows `text`, refreshing the log meanwhile. */
async function waitInLog(page: Page, url: string, text: RegExp): Promise<void> {
  const log = page.getByRole('region', { name: `Deliveries to ${url}` });
  await poll(
    async () => {
      if ((await log.getByRole('cell', { name: text }).count()) > 0) return true;
      await log.getByRole('button', { name: 'Refresh deliveries' }).click();
      return undefined;
    },
    `a delivery to ${url} showing ${text}`,
    30_000,
    300,
  );
}

/** Opens an endpoint's deliveries and waits until a row shows `text`. */
async function waitForDelivery(page: Page, url: string, text: RegExp): Promise<void> {
  await page.getByRole('button', { name: `Deliveries of ${url}` }).click();
  await waitInLog(page, url, text);
}

describe('webhooks page', () => {
  it('adds an endpoint, shows its secret once, and lists deliveries and failures with their codes', async () => {
    if (!browser) throw new Error('no browser');
    checked = await openCheckedPage(browser, { width: 375 });
    const { page, context } = checked;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: info().apiUrl });
    const good = await startReceiver(200);
    const bad = await startReceiver(500);
    receivers.push(good, bad);
    const api = createApiClient(info().apiUrl, info().token);

    await page.goto(info().signInUrl);
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();

    const secret = await addEndpoint(page, good.url);
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.getByText('Copied.').waitFor();
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
        ).navigator.clipboard.readText(),
      ),
    ).toBe(secret);
    await screenshot(page, 'webhooks-secret-once');
    await page.getByRole('button', { name: 'I stored it' }).click();
    await page.reload();
    await page.getByRole('cell', { name: good.url, exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);

    // Events of a session the demo's host starts reach the receiver, signed with that secret.
    const session = await api.expect(201, 'POST', '/v1/sessions', { name: 'hooked' });
    await api.expect(202, 'POST', `/v1/sessions/${session.id}/start`);
    const first = await poll(async () => good.received[0], 'a delivery at the receiver', 30_000);
    const event = new Webhook(secret).verify(first.body, first.headers) as { sessionId: string };
    expect(event.sessionId).toBe(session.id);
    await waitForDelivery(page, good.url, /^HTTP 200$/);

    // A receiver answering 500: retried twice, dead-lettered, its code in the log; then replayed.
    await addEndpoint(page, bad.url);
    await page.getByRole('button', { name: 'I stored it' }).click();
    await api.expect(202, 'POST', `/v1/sessions/${session.id}/stop`);
    await waitForDelivery(page, bad.url, /^HTTP 500$/);
    const log = page.getByRole('region', { name: `Deliveries to ${bad.url}` });
    await log.getByLabel('Delivery status').selectOption('dead');
    await waitInLog(page, bad.url, /^dead$/);
    await screenshot(page, 'webhooks-dead-letter');
    const before = bad.received.length;
    bad.answer(204);
    await log.getByRole('button', { name: 'Replay dead letters' }).click();
    await log.getByText(/Replaying dead letters of 1 session/).waitFor();
    await poll(
      async () => (bad.received.length > before ? true : undefined),
      'the replayed delivery',
      30_000,
    );
    await log.getByLabel('Delivery status').selectOption('');
    await waitInLog(page, bad.url, /^HTTP 204$/);

    await page.getByRole('button', { name: `Send a test to ${good.url}` }).click();
    await page.getByText(/Test to .*: delivered \(HTTP 200\)/).waitFor();
    await page.getByRole('button', { name: `Rotate the secret of ${good.url}` }).click();
    const rotated = (await page.getByTestId('webhook-secret').textContent())?.trim();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await screenshot(page, 'webhooks-375');
    await expectNoSeriousA11yViolations(page);
    checked.assertClean();
  }, 150_000);
});
