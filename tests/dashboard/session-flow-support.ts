/**
 * What the session-page browser tests do besides clicking: read the QR the
 * page shows through the API (at the same QR number), scan it and make
 * contacts write through the fake WhatsApp's control API, as a phone would.
 */
import type { Locator, Page } from 'playwright-core';
import type { DemoInfo } from '../../infra/local/demo-banner.ts';
import { createApiClient, createControlClient, type Json, poll } from '../../infra/local/demo-clients.ts';

/** The strings a hostile contact puts wherever it can: text, push name, file name, caption. */
export const HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">';
export const HOSTILE_SCRIPT = '<script>window.__pwned=1</script>';

export interface SessionPageDriver {
  readonly page: Page;
  /** Creates a session on the list page and opens its page; resolves with its id. */
  create(name: string): Promise<string>;
  /** Clicks Start and waits for the QR image to have loaded; resolves with the QR number shown. */
  startUntilQr(): Promise<number>;
  /** Scans the QR the page shows (through the API's JSON at the same number) with `phone`. */
  scanShownQr(sessionId: string, phone: string): Promise<void>;
  /** The QR image on the page (number `n`, or any). */
  qrImage(n?: number): Locator;
  statusBadge(): Locator;
  liveEvents(): Locator;
  /** The row of the sent-messages table whose message matches. */
  sentRow(message: RegExp): Locator;
  /** Fills the pairing form and submits; resolves with the code shown, or '' when the page showed an error. */
  requestPairingCode(phone: string): Promise<string>;
  /** The contact's phone sends a read receipt for `id`, as opening the chat does. */
  contactReads(contact: string, phone: string, id: string): Promise<void>;
  confirm(action: 'Log out' | 'Delete'): Promise<void>;
}

/** Whether an <img> was fetched and decoded: a broken or blocked image has naturalWidth 0. */
export function imageLoaded(img: Locator): Promise<boolean> {
  return img.evaluate((el) => {
    // Runs in the page; the test's tsconfig has no DOM types.
    const image = el as unknown as { complete: boolean; naturalWidth: number };
    return image.complete && image.naturalWidth > 0;
  });
}

export function sessionPageDriver(page: Page, demo: DemoInfo, token: string): SessionPageDriver {
  const api = createApiClient(demo.apiUrl, token);
  const control = createControlClient(demo.controlUrl);
  const qrImage = (n?: number): Locator =>
    page.getByRole('img', {
      name: n === undefined ? /^QR code number \d+/ : new RegExp(`^QR code number ${n}:`),
    });
  return {
    page,
    async create(name) {
      await page.goto(`${demo.dashboardUrl}#/sessions`);
      await page.getByLabel('New session name').fill(name);
      await page.getByRole('button', { name: 'Create session' }).click();
      await page.getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      const id = /#\/sessions\/([^/?]+)/.exec(page.url())?.[1];
      if (!id) throw new Error(`no session id in ${page.url()}`);
      return decodeURIComponent(id);
    },
    async startUntilQr() {
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      const img = qrImage();
      await img.waitFor({ timeout: 20_000 });
      await poll(async () => ((await imageLoaded(img)) ? true : undefined), 'the QR image to load', 10_000);
      const alt = (await img.getAttribute('alt')) ?? '';
      return Number(/number (\d+)/.exec(alt)?.[1]);
    },
    async scanShownQr(sessionId, phone) {
      // The page may move on to the next QR between reading and scanning: scan the one the API has now.
      const qr = await poll(
        async () => {
          const res = await api.request('GET', `/v1/sessions/${sessionId}/qr`);
          return res.status === 200 ? (res.body as Json) : undefined;
        },
        'a current QR',
        20_000,
      );
      await control.scan(String(qr.qr), phone);
    },
    qrImage,
    statusBadge: () => page.locator('.session-header .badge'),
    liveEvents: () => page.getByRole('list', { name: 'Live events' }),
    sentRow: (message) => page.getByRole('table').getByRole('row', { name: message }),
    async requestPairingCode(phone) {
      await page.getByLabel('Phone number (international format)').fill(phone);
      await page.getByRole('button', { name: 'Get pairing code' }).click();
      const shown = page.locator('.pairing-code');
      const failed = page.getByRole('alert');
      await shown.or(failed).first().waitFor({ timeout: 20_000 });
      return (await shown.count()) > 0 ? ((await shown.textContent()) ?? '') : '';
    },
    async contactReads(contact, phone, id) {
      const res = await fetch(`${demo.controlUrl}/receipts`, {
        method: 'POST',
        body: JSON.stringify({ from: contact, to: phone, ids: [id], type: 'read' }),
        signal: AbortSignal.timeout(15_000),
      });
      if (res.status !== 200) throw new Error(`control POST /receipts answered ${res.status}`);
    },
    async confirm(action) {
      await page.getByRole('button', { name: action, exact: true }).first().click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByRole('button', { name: action, exact: true }).click();
    },
  };
}
