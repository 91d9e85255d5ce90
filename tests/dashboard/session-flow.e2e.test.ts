/**
 * The session page in a real browser against `npm run demo`: the whole life
 * of a session as a user sees it (QR image, scan, CONNECTED, a contact's
 * message live, a reply and its statuses, pause, history, logout, delete),
 * a pairing code, and contact-controlled strings that must stay text.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlClient, createControlClient, poll } from '../../infra/local/demo-clients.ts';
import { DOT_PNG_BASE64 } from './session-flow-fixtures.ts';
import {
  HOSTILE_IMG,
  HOSTILE_SCRIPT,
  imageLoaded,
  type SessionPageDriver,
  sessionPageDriver,
} from './session-flow-support.ts';
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
let control: ControlClient;
const pages: CheckedPage[] = [];

const running = (): DashboardDemo => {
  if (!stack) throw new Error('the demo did not start');
  return stack;
};

/** A page at 375 px (the narrowest the dashboard supports), signed in by pasting the demo's token. */
async function signedIn(): Promise<{ checked: CheckedPage; ui: SessionPageDriver }> {
  if (!browser) throw new Error('no browser');
  const { info } = running().demo;
  const checked = await openCheckedPage(browser, { width: 375, height: 900 });
  pages.push(checked);
  await checked.page.goto(`${info.dashboardUrl}#/signin`);
  await checked.page.getByLabel('API token (JWT)').fill(info.token);
  await checked.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await checked.page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
  return { checked, ui: sessionPageDriver(checked.page, info, info.token) };
}

/** Looks at the page as a user and a screen reader would, and keeps a picture of it. */
async function look(checked: CheckedPage, name: string): Promise<void> {
  await expectNoSeriousA11yViolations(checked.page);
  // Usable at 375 px: nothing makes the page scroll sideways.
  const overflow = await checked.page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
  expect(overflow, `${name}: the page is wider than the screen`).toBe(0);
  await screenshot(checked.page, `session-${name}`);
}

beforeAll(async () => {
  // Chromium first: a missing browser fails at once, naming the fix, before the demo starts.
  browser = await launchChromium();
  stack = await startDashboardDemo('session');
  control = createControlClient(stack.demo.info.controlUrl);
}, 90_000);

afterAll(async () => {
  for (const p of pages) await p.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
}, 60_000);

/** A flow waits on a host, a scan and WhatsApp round trips; each wait has its own bound. */
describe('session page', () => {
  it('links a phone by QR, shows a contact’s message live, sends a reply with its statuses, logs out and deletes', async () => {
    const { info } = running().demo;
    const phone = info.phone.pn;
    const alice = info.contacts[0]?.pn ?? '';
    const { checked, ui } = await signedIn();
    const { page } = checked;

    const id = await ui.create('flow-line');
    await look(checked, 'stopped');
    const qrNumber = await ui.startUntilQr();
    expect(qrNumber).toBeGreaterThan(0);
    expect(await ui.statusBadge().textContent()).toBe('QR');
    await page.getByText(/^Expires in \d+ s$/).waitFor();
    await look(checked, 'qr');

    await ui.scanShownQr(id, phone);
    await ui.statusBadge().filter({ hasText: 'CONNECTED' }).waitFor({ timeout: 30_000 });
    await page.getByText(`Linked as +${phone}`).waitFor();
    expect(await page.getByRole('img', { name: /^QR code number/ }).count()).toBe(0);

    await control.sendText(alice, phone, 'Hi from Alice, live');
    await ui
      .liveEvents()
      .getByText(/Hi from Alice, live/)
      .waitFor({ timeout: 20_000 });
    await look(checked, 'connected');

    // The send form answers the last contact who wrote.
    await page.getByLabel('Text', { exact: true }).fill('Hi Alice, zapfleet here');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = ui.sentRow(/Hi Alice, zapfleet here/);
    await sent.getByRole('cell', { name: /^(SENT|SERVER_ACK|DELIVERED)$/ }).waitFor({ timeout: 20_000 });
    const received = (await control.inbox(alice)).find((m) => m.text === 'Hi Alice, zapfleet here');
    expect(received).toBeDefined();
    // Alice reads it: the status moves on live, from a receipt the page did not ask for.
    await ui.contactReads(alice, phone, received?.id ?? '');
    await sent.getByRole('cell', { name: 'READ', exact: true }).waitFor({ timeout: 20_000 });
    await look(checked, 'sent-read');

    // Media: the file goes to the presigned URL from the browser, then is sent by its mediaId.
    await page.getByLabel('Kind').selectOption('image');
    await page.getByLabel('File').setInputFiles({
      name: 'dot.png',
      mimeType: 'image/png',
      buffer: Buffer.from(DOT_PNG_BASE64, 'base64'),
    });
    await page.getByLabel('Caption (optional)').fill('a dot');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await ui
      .sentRow(/\[image\] dot\.png/)
      .getByRole('cell', { name: /^(SENT|SERVER_ACK|DELIVERED)$/ })
      .waitFor({
        timeout: 30_000,
      });
    expect(await page.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value')).toBe('1');
    const image = await poll(
      async () => (await control.inbox(alice)).find((m) => m.media?.caption === 'a dot'),
      'Alice to receive the picture',
      20_000,
    );
    expect(image.media).toMatchObject({ kind: 'image', verified: true, size: 70 });
    // A refusal is shown by its code: a sticker must be WebP.
    await page.getByLabel('Kind').selectOption('sticker');
    await page.getByLabel('File').setInputFiles({
      name: 'dot.png',
      mimeType: 'image/png',
      buffer: Buffer.from(DOT_PNG_BASE64, 'base64'),
    });
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page
      .getByRole('alert')
      .getByText(/^MEDIA_TYPE_MISMATCH: /)
      .waitFor();
    await look(checked, 'media-sent');
    await page.getByLabel('Kind').selectOption('text');

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
    await look(checked, 'paused');
    await page.getByRole('button', { name: /^Resume/ }).click();
    await ui
      .liveEvents()
      .getByText(/while paused/)
      .waitFor();

    // The history reads the same events back through the replay API.
    await page.getByRole('button', { name: 'Load newest', exact: true }).click();
    await page
      .getByRole('list', { name: 'Event history' })
      .getByText(/Hi from Alice, live/)
      .waitFor();

    // Stop and start by keyboard: the auth state is kept, so it reconnects without a QR.
    await page.getByRole('button', { name: 'Stop', exact: true }).press('Enter');
    await ui.statusBadge().filter({ hasText: 'STOPPED' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Start', exact: true }).press('Enter');
    await ui.statusBadge().filter({ hasText: 'CONNECTED' }).waitFor({ timeout: 30_000 });
    expect(await ui.qrImage().count()).toBe(0);
    await page.getByRole('button', { name: 'Restart', exact: true }).click();
    await ui
      .liveEvents()
      .getByText(/session:status\s*CONNECTED/)
      .nth(2)
      .waitFor({ timeout: 30_000 });
    await ui.statusBadge().filter({ hasText: 'CONNECTED' }).waitFor();

    // A destructive action asks first; Escape keeps the session.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('heading', { level: 1, name: 'flow-line' }).waitFor();

    await ui.confirm('Log out');
    await ui.statusBadge().filter({ hasText: 'LOGGED_OUT' }).waitFor({ timeout: 20_000 });
    await look(checked, 'logged-out');

    await ui.confirm('Delete');
    await page.waitForURL(/#\/sessions$/);
    await page.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    expect(await page.getByRole('link', { name: 'flow-line', exact: true }).count()).toBe(0);
    // The refused sticker is the one error the browser may log.
    checked.assertClean([/status of 415 \(Unsupported Media Type\).*\/media\)$/]);
  }, 120_000);

  it('links by pairing code, and says why a code cannot be had', async () => {
    const phone = await control.createUser('15550000777', 'Pairing Phone');
    const { checked, ui } = await signedIn();
    const { page } = checked;
    await ui.create('pairing-line');

    // Stopped: not on a host, so no code; the page says what to do.
    await ui.requestPairingCode(phone.pn);
    await page
      .getByRole('alert')
      .getByText(/^SESSION_NOT_CONNECTED: .*Start it/)
      .waitFor();
    await look(checked, 'pairing-refused');

    const first = await ui.startUntilQr();
    const firstSrc = await ui.qrImage().getAttribute('src');
    // The next QR (the demo's live 20 s) replaces the image, drawn from a new blob.
    const next = ui.qrImage(first + 1);
    await next.waitFor({ timeout: 40_000 });
    await expect.poll(() => imageLoaded(next), { timeout: 10_000 }).toBe(true);
    expect(await next.getAttribute('src')).not.toBe(firstSrc);
    expect(await page.getByRole('img', { name: /^QR code number/ }).count()).toBe(1);
    await look(checked, 'qr-refreshed');

    const code = await ui.requestPairingCode(phone.pn);
    await page.getByText(code, { exact: true }).waitFor();
    await look(checked, 'pairing-code');
    await control.enterPairingCode(phone.pn, code);
    await ui.statusBadge().filter({ hasText: 'CONNECTED' }).waitFor({ timeout: 30_000 });
    await page.getByText(`Linked as +${phone.pn}`).waitFor();
    // The refused request is the one error the browser may log.
    checked.assertClean([/status of 409 \(Conflict\).*\/pairing-code/]);
  }, 120_000);

  it('renders what a contact controls as text: message, push name, file name and caption run no script', async () => {
    const { info } = running().demo;
    const { checked, ui } = await signedIn();
    const { page } = checked;
    const hostile = await control.createUser('15550000666', HOSTILE_SCRIPT);
    const id = await ui.create('hostile-line');
    await ui.startUntilQr();
    await ui.scanShownQr(id, info.phone.pn);
    await ui.statusBadge().filter({ hasText: 'CONNECTED' }).waitFor({ timeout: 30_000 });

    await control.sendText(hostile.pn, info.phone.pn, `${HOSTILE_IMG} ${HOSTILE_SCRIPT}`);
    await control.sendMedia(hostile.pn, {
      to: info.phone.pn,
      kind: 'document',
      mimetype: 'image/png',
      base64: DOT_PNG_BASE64,
      fileName: `${HOSTILE_IMG}.html`,
      caption: HOSTILE_SCRIPT,
    });
    const live = ui.liveEvents();
    // The literal markup is on screen, as text, with the push name as the sender.
    await live.getByText(`${HOSTILE_SCRIPT}: ${HOSTILE_IMG} ${HOSTILE_SCRIPT}`).waitFor({ timeout: 20_000 });
    await live.getByText(`${HOSTILE_SCRIPT}: [document] ${HOSTILE_IMG}.html ${HOSTILE_SCRIPT}`).waitFor({
      timeout: 30_000,
    });
    await page.getByRole('button', { name: 'Load newest', exact: true }).click();
    await page
      .getByRole('list', { name: 'Event history' })
      .getByText(`${HOSTILE_SCRIPT}: ${HOSTILE_IMG} ${HOSTILE_SCRIPT}`)
      .waitFor();
    // The send form's default recipient is the hostile chat too; it shows as an attribute, not markup.
    expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.locator('main img[src="x"], main script').count()).toBe(0);
    await look(checked, 'hostile-text');
    checked.assertClean();
  }, 120_000);
});
