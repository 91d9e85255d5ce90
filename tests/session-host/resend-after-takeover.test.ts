/**
 * A contact's device that could not decrypt a queued message asks for it
 * again, and the request reaches the host that runs the session now, not the
 * one that sent it (WhatsApp delivers an unacked retry receipt again on the
 * next connection). That host never held the message: it reads the content
 * back from the message's SENT row and sends it again, so the contact gets it
 * once. Chaos seed 3 lost a send this way (its sender was killed right after
 * the contact asked).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import { type ApiHarness, createApiHarness } from '../api/support/api-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness, type RunningHost } from './host-harness.ts';

let h: HostHarness;
let api: ApiHarness;
beforeEach(async () => {
  h = await HostHarness.create();
  api = await createApiHarness('resend-takeover', { aws: h.aws });
  api.now = new Date();
});
afterEach(async () => {
  await h.dispose();
});

type Mode = 'queued' | 'sync';

async function send(sessionId: string, to: string, text: string, mode: Mode = 'queued'): Promise<string> {
  const token = await api.adminToken('acme');
  const body = { to, text, ...(mode === 'sync' && { mode }) };
  const res = await api.request('POST', `/v1/sessions/${sessionId}/messages`, { token, body });
  expect(res.status).toBe(mode === 'sync' ? 201 : 202);
  return ((await res.json()) as { messageId: string }).messageId;
}

/** The API's host calls reach `running`'s internal endpoint through the real HTTP client. */
function routeApiTo(running: RunningHost, sessionId: string): void {
  const internal = createInternalApi(running.host, running.metrics, 'internal-token-0123456789abcdef');
  const client = new HttpHostClient({
    internalToken: 'internal-token-0123456789abcdef',
    timeoutMs: 20_000,
    fetch: (async (url: string, init?: RequestInit) => internal.request(url, init)) as typeof fetch,
  });
  api.hostClient.onSend = (message) => client.sendMessage('http://host-1.internal', sessionId, message);
}

/**
 * The first host sends a message the contact cannot decrypt; WhatsApp holds the
 * contact's retry receipt, and the first host stops. Resolves with the host
 * that runs the session next (which gets the receipt on its connection).
 */
async function sentThenTakenOver(options: { sentContents: boolean; mode?: Mode }) {
  const first = await h.startHost('host-1');
  const sessionId = await h.createSession();
  const device = await h.link(sessionId);
  api.hostClient.onNudge = () => first.host.reconcileSession(sessionId);
  const contact = h.fake.createUser({ name: 'Rita' });
  const hello = await send(sessionId, contact.pn, 'hello');
  await h.fake.waitForMessage(contact.pn, (m) => m.id === hello);
  // A restore on the contact's phone: the next message cannot be decrypted there.
  h.fake.forgetSessions(contact.pn, device.pn);
  h.fake.holdRetryReceipts(true);
  const asked: string[] = [];
  h.fake.events.on('retry-requested', (_jid, id) => asked.push(id));
  routeApiTo(first, sessionId);
  // A direct send is answered once WhatsApp acked it and the API marked its row SENT.
  const id = await send(sessionId, contact.pn, 'sent before the takeover', options.mode);
  await waitFor(() => asked.includes(id) || undefined, 'the contact asked for the message again', 20_000);
  if (options.mode !== 'sync')
    await h.waitForEvent(
      sessionId,
      (e) => e.type === 'session:message-status' && e.data.id === id && e.data.status === 'SENT',
    );
  expect(h.fake.inbox(contact.pn).some((m) => m.id === id)).toBe(false);
  await h.stopHost(first);
  const next: RunningHost = await h.startHost('host-1', { sentContents: options.sentContents });
  return { next, contact, id, sessionId };
}

describe('a contact asking for a message again after the session moved', () => {
  it('gets it from the next host, read back from the outbox, once', async () => {
    const { next, contact, id } = await sentThenTakenOver({ sentContents: true });
    const got = await h.fake.waitForMessage(contact.pn, (m) => m.id === id, 30_000);
    expect(got.text).toBe('sent before the takeover');
    expect(got.encType).toBe('pkmsg');
    expect(next.metrics.resendsFromStore.value).toBe(1);
    expect(next.metrics.resendMisses.value).toBe(0);
    expect(h.fake.inbox(contact.pn).filter((m) => m.id === id)).toHaveLength(1);
  });

  it('gets a direct send (201) from the next host too: the API kept what the host answered it sent', async () => {
    const { next, contact, id } = await sentThenTakenOver({ sentContents: true, mode: 'sync' });
    const got = await h.fake.waitForMessage(contact.pn, (m) => m.id === id, 30_000);
    expect(got.text).toBe('sent before the takeover');
    expect(next.metrics.resendsFromStore.value).toBe(1);
    expect(h.fake.inbox(contact.pn).filter((m) => m.id === id)).toHaveLength(1);
  });

  it('is lost when the next host reads nothing back (the control: only memory, as before)', async () => {
    const { next, contact, id } = await sentThenTakenOver({ sentContents: false });
    await waitFor(() => next.metrics.resendMisses.value > 0 || undefined, 'the resend missed', 30_000);
    expect(next.metrics.resendsFromStore.value).toBe(0);
    expect(h.fake.inbox(contact.pn).some((m) => m.id === id)).toBe(false);
  });
});
