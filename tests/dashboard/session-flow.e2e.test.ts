/**
 * The session page in a real browser against `npm run demo`: the whole life
 * of a session as a user sees it (QR image, scan, CONNECTED, a contact's
 * message live, a reply and its statuses, pause, history, logout, delete),
 * a pairing code, and contact-controlled strings that must stay text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlClient, createControlClient } from '../../infra/local/demo-clients.ts';
import { type DemoProcess, startDemoProcess } from '../e2e/demo-process.ts';
import {
  HOSTILE_IMG,
  HOSTILE_SCRIPT,
  imageLoaded,
  type SessionPageDriver,
  sessionPageDriver,
} from './session-flow-support.ts';

let stateDir: string;
let demo: DemoProcess | undefined;
let browser: Browser | undefined;
let control: ControlClient;

const running = (): DemoProcess => {
  if (!demo) throw new Error('the demo did not start');
  return demo;
};

async function openDriver(): Promise<SessionPageDriver> {
  if (!browser) throw new Error('no browser');
  const page: Page = await browser.newPage({ viewport: { width: 375, height: 900 } });
  await page.goto(running().info.signInUrl);
  await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
  return sessionPageDriver(page, running().info, running().info.token);
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'zapfleet-dash-session-'));
  demo = await startDemoProcess(stateDir);
  control = createControlClient(demo.info.controlUrl);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  rmSync(stateDir, { recursive: true, force: true });
}, 60_000);

describe('session page', () => {
  it('links a phone by QR, shows a contact’s message live, sends a reply with its statuses, logs out and deletes', async () => {
    const { info } = running();
    const phone = info.phone.pn;
    const alice = info.contacts[0]?.pn ?? '';
    const ui = await openDriver();
    const { page } = ui;

    const id = await ui.create('flow-line');
    const qrNumber = await ui.startUntilQr();
    expect(qrNumber).toBeGreaterThan(0);
    expect(await ui.statusBadge().textContent()).toBe('QR');
    expect(await page.getByText(/^Expires in \d+ s$/).isVisible()).toBe(true);

    await ui.scanShownQr(id, phone);
    await page.locator('.session-header .badge', { hasText: 'CONNECTED' }).waitFor({ timeout: 30_000 });
    await page.getByText(`Linked as +${phone}`).waitFor();
    expect(await page.getByRole('img', { name: /^QR code number/ }).count()).toBe(0);

    await control.sendText(alice, phone, 'Hi from Alice, live');
    await ui
      .liveEvents()
      .getByText(/Hi from Alice, live/)
      .waitFor({ timeout: 20_000 });

    // The send form answers the last contact who wrote.
    await page.getByLabel('Text', { exact: true }).fill('Hi Alice, zapfleet here');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = page.getByRole('table').getByRole('row', { name: /Hi Alice, zapfleet here/ });
    await sent.getByRole('cell', { name: /^(SENT|SERVER_ACK|DELIVERED)$/ }).waitFor({ timeout: 20_000 });
    const inbox = await control.inbox(alice);
    const received = inbox.find((m) => m.text === 'Hi Alice, zapfleet here');
    expect(received).toBeDefined();
    // Alice reads it: the status moves on live, from a receipt the page did not ask for.
    await fetch(`${info.controlUrl}/receipts`, {
      method: 'POST',
      body: JSON.stringify({ from: alice, to: phone, ids: [received?.id], type: 'read' }),
    });
    await sent.getByRole('cell', { name: 'READ', exact: true }).waitFor({ timeout: 20_000 });

    // Paused events wait, and arrive in order on resume.
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await control.sendText(alice, phone, 'while paused');
    await page.getByRole('button', { name: /^Resume \(\d+ waiting\)$/ }).waitFor({ timeout: 20_000 });
    expect(
      await ui
        .liveEvents()
        .getByText(/while paused/)
        .count(),
    ).toBe(0);
    await page.getByRole('button', { name: /^Resume/ }).click();
    await ui
      .liveEvents()
      .getByText(/while paused/)
      .waitFor();

    // The history reads the same events back through the replay API.
    await page.getByRole('button', { name: 'Newest', exact: true }).click();
    await page
      .getByRole('list', { name: 'Event history' })
      .getByText(/Hi from Alice, live/)
      .waitFor();

    await ui.confirm('Log out');
    await page.locator('.session-header .badge', { hasText: 'LOGGED_OUT' }).waitFor({ timeout: 20_000 });

    await ui.confirm('Delete');
    await page.waitForURL(/#\/sessions$/);
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    expect(await page.getByRole('link', { name: 'flow-line', exact: true }).count()).toBe(0);
    await page.close();
  });
});
