/**
 * End to end through public interfaces only: `npm run demo` as a child process,
 * driven over HTTP, the WebSocket and the fake WhatsApp control API (the same
 * scenario `npm run flow` runs), two tenants at the same time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  createApiClient,
  createControlClient,
  type Json,
  openEventStream,
} from '../../infra/local/demo-clients.ts';
import { type FlowResult, runCompleteFlow } from '../../infra/local/demo-scenario.ts';
import { waitUntilDead } from '../support/processes.ts';
import { waitFor } from '../support/wait-for.ts';
import { type DemoProcess, startDemoProcess } from './demo-process.ts';

const STEPS = [
  'create session',
  'connect WebSocket and subscribe',
  'start',
  'qr',
  'refreshed qr',
  'scan',
  'session:connected',
  'contact sends a text',
  'session:message',
  'POST messages',
  "contact's inbox has it",
  'stop',
  'session:status STOPPED',
  'start again',
  'CONNECTED without a new QR',
  'logout',
  'session:logged-out',
];

const SECOND_PHONE = '15550000011';
const PAIRING_PHONE = '15550000012';

async function waitForStatus(
  api: ApiClient,
  path: string,
  status: string,
  timeoutMs = 20_000,
): Promise<Json> {
  let last: Json | undefined;
  return waitFor(
    async () => {
      last = (await api.expect(200, 'GET', path)) as Json;
      return last.status === status && last;
    },
    () => `${path} to become ${status}; last: ${JSON.stringify(last)}`,
    timeoutMs,
    100,
  );
}

const pick = (data: Json, ...keys: string[]): Json => Object.fromEntries(keys.map((k) => [k, data[k]]));

describe('npm run demo, end to end', () => {
  let stateDir: string;
  let demo: DemoProcess | undefined;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'zapfleet-e2e-'));
    // 2 s QRs: the refreshed QR comes quickly (Baileys keeps the first one 60 s by default).
    demo = await startDemoProcess(stateDir, { ZAPFLEET_QR_TIMEOUT_MS: '2000', ZAPFLEET_HOSTS: '1' });
  }, 60_000);

  afterAll(async () => {
    await demo?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  const running = (): DemoProcess => {
    if (!demo) throw new Error('the demo did not start');
    return demo;
  };

  it('runs the complete flow for two tenants at once, each seeing only its own events', async () => {
    const { info, mintToken } = running();
    const control = createControlClient(info.controlUrl);
    const alice = info.contacts[0]?.pn ?? '';
    const bob = info.contacts[1]?.pn ?? '';
    await control.createUser(SECOND_PHONE, 'Second Phone');
    const otherToken = await mintToken('tenant-b');
    const flow = (token: string, phone: string, contact: string, name: string): Promise<FlowResult> =>
      runCompleteFlow({
        apiUrl: info.apiUrl,
        wsUrl: info.wsUrl,
        token,
        sessionName: name,
        scan: { controlUrl: info.controlUrl, phone, contact },
      });
    const [a, b] = await Promise.all([
      flow(info.token, info.phone.pn, alice, 'tenant-a'),
      flow(otherToken, SECOND_PHONE, bob, 'tenant-b'),
    ]).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n--- demo output ---\n${running().output()}`);
    });

    for (const [result, contact] of [
      [a, alice],
      [b, bob],
    ] as const) {
      expect(result.steps.map((s) => s.name)).toEqual(STEPS);
      expect(result.qrSeqs).toHaveLength(2);
      expect(result.qrSeqs[1]).toBeGreaterThan(result.qrSeqs[0] ?? Number.POSITIVE_INFINITY);
      const messages = result.received.filter((m) => m.type === 'session:message');
      expect(messages.map((m) => pick(m.data as Json, 'chat', 'fromMe', 'text'))).toEqual([
        { chat: `${contact}@s.whatsapp.net`, fromMe: false, text: result.incomingText },
      ]);
      const inbox = await control.inbox(contact);
      expect(inbox.filter((m) => m.text === result.replyText).map((m) => m.id)).toEqual([result.replyId]);
    }
    expect(a.sessionId).not.toBe(b.sessionId);

    // Isolation: every event a subscriber got names its own session and carries none of the other's data.
    for (const [mine, theirs] of [
      [a, b],
      [b, a],
    ] as const) {
      const foreign = mine.received.filter(
        (m) => m.sessionId !== undefined && m.sessionId !== mine.sessionId,
      );
      expect(foreign).toEqual([]);
      const text = JSON.stringify(mine.received);
      expect(text).not.toContain(theirs.sessionId);
      expect(text).not.toContain(theirs.incomingText);
      expect(text).not.toContain(theirs.replyText);
    }

    // And neither tenant can reach the other's session by asking for it.
    const asB = createApiClient(info.apiUrl, otherToken);
    expect((await asB.request('GET', `/v1/sessions/${a.sessionId}`)).status).toBe(404);
    expect((await asB.request('POST', `/v1/sessions/${a.sessionId}/start`)).status).toBe(404);
    const stream = await openEventStream(info.wsUrl, otherToken);
    try {
      await expect(stream.subscribe(a.sessionId)).rejects.toThrow(/subscribe refused.*SESSION_NOT_FOUND/);
    } finally {
      await stream.close();
    }
  }, 45_000);

  it('links by pairing code: API → host → Baileys → the phone types the code → CONNECTED', async () => {
    const { info } = running();
    const api = createApiClient(info.apiUrl, info.token);
    const control = createControlClient(info.controlUrl);
    const phone = await control.createUser(PAIRING_PHONE, 'Pairing Phone');
    const created = (await api.expect(201, 'POST', '/v1/sessions', { name: 'by-code' })) as { id: string };
    const path = `/v1/sessions/${created.id}`;
    await api.expect(202, 'POST', `${path}/start`);
    await waitForStatus(api, path, 'QR');

    const first = (await api.expect(200, 'POST', `${path}/pairing-code`, { phoneNumber: phone.pn })) as {
      code: string;
    };
    expect(first.code).toMatch(/^[A-Z0-9]{8}$/);
    // Asking again before the code is typed is a new code, not "already linked".
    const second = (await api.expect(200, 'POST', `${path}/pairing-code`, { phoneNumber: phone.pn })) as {
      code: string;
    };
    await control.enterPairingCode(phone.pn, second.code);
    const connected = await waitForStatus(api, path, 'CONNECTED');
    expect((connected.me as Json).phoneNumber).toBe(phone.pn);
    // Linked now: a further code is refused.
    const again = await api.request('POST', `${path}/pairing-code`, { phoneNumber: phone.pn });
    expect(again.status).toBe(409);
    await api.expect(204, 'DELETE', path);
  }, 45_000);

  it('stops every child process on SIGTERM', async () => {
    const { descendants, stop } = running();
    expect(descendants.length).toBeGreaterThan(0);
    const code = await stop();
    demo = undefined;
    expect(code).toBe(0);
    expect(await waitUntilDead(descendants, 10_000)).toEqual([]);
  }, 60_000);
});
