/**
 * The send queue end to end on one in-process host: the API answers 202 once
 * the message is in the outbox, the owning host sends it (real Baileys to the
 * fake WhatsApp) and tells QUEUED → SENT; queued messages leave in order; the
 * sync mode still answers 201 after the host sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SendPacing } from '#commons/domain/send-pacing.ts';
import { type ApiHarness, createApiHarness } from '../api/support/api-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

let h: HostHarness;
let api: ApiHarness;
beforeEach(async () => {
  h = await HostHarness.create();
  api = await createApiHarness('queue', { aws: h.aws });
  api.now = new Date();
});
afterEach(async () => {
  await h.dispose();
});

async function linkedSession(pacing?: SendPacing) {
  const { host } = await h.startHost('host-1', pacing ? { limits: { sendPacing: pacing } } : {});
  const sessionId = await h.createSession();
  await h.link(sessionId);
  api.hostClient.onNudge = () => host.reconcileSession(sessionId);
  api.hostClient.onSend = async (m) => {
    const session = host.session(sessionId);
    if (!session) throw new Error('not running');
    await session.sendText(m.to, m.text ?? '', m.messageId);
    return { messageId: m.messageId, status: 'SENT' };
  };
  const token = await api.adminToken('acme');
  const contact = h.fake.createUser({ name: 'Queued' });
  return { host, sessionId, token, contact };
}

function statuses(events: { type: string; data: Record<string, unknown> }[], messageId: string): unknown[] {
  return events
    .filter((e) => e.type === 'session:message-status' && e.data.id === messageId)
    .map((e) => e.data.status);
}

describe('send queue (202)', () => {
  it('answers 202 QUEUED, then the contact receives it and the events say QUEUED then SENT', async () => {
    const { sessionId, token, contact } = await linkedSession();
    const res = await api.request('POST', `/v1/sessions/${sessionId}/messages`, {
      token,
      body: { to: contact.pn, text: 'queued hello' },
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { messageId: string; status: string };
    expect(body.status).toBe('QUEUED');
    const got = await h.fake.waitForMessage(contact.pn, (m) => m.id === body.messageId && !m.deviceSent);
    expect(got.text).toBe('queued hello');
    const events = await waitFor(async () => {
      const all = await h.eventsOf(sessionId);
      return statuses(all, body.messageId).includes('SENT') && all;
    }, 'a SENT status event');
    expect(statuses(events, body.messageId).slice(0, 2)).toEqual(['QUEUED', 'SENT']);
  });

  it('sends 20 queued messages once each, in the order they were accepted, at the paced rate', async () => {
    const pacing: SendPacing = { ratePerSecond: 20, burst: 2, queueLimit: 100, typingMs: 0 };
    const { sessionId, token, contact } = await linkedSession(pacing);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await api.request('POST', `/v1/sessions/${sessionId}/messages`, {
        token,
        body: { to: contact.pn, text: `queued ${i}` },
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { messageId: string }).messageId);
      // Distinct acceptance times, as requests one after another have.
      api.now = new Date(api.now.getTime() + 1);
    }
    const inbox = await waitFor(() => {
      const got = h.fake.inbox(contact.pn).filter((m) => !m.deviceSent);
      return got.length >= 20 && got;
    }, 'twenty queued messages at the contact');
    expect(inbox.map((m) => m.id)).toEqual(ids);
    expect(inbox.map((m) => m.text)).toEqual(ids.map((_, i) => `queued ${i}`));
  });

  it('keeps the sync mode: 201 once the host sent it', async () => {
    const { sessionId, token, contact } = await linkedSession();
    const res = await api.request('POST', `/v1/sessions/${sessionId}/messages`, {
      token,
      body: { to: contact.pn, text: 'sync hello', mode: 'sync' },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { messageId: string; status: string };
    expect(body.status).toBe('SENT');
    // Sent before the answer: already at the fake's server side or arriving now.
    const got = await h.fake.waitForMessage(contact.pn, (m) => m.id === body.messageId && !m.deviceSent);
    expect(got.text).toBe('sync hello');
  });

  it('fails the messages still queued when the session logs out: FAILED with SESSION_LOGGED_OUT', async () => {
    const pacing: SendPacing = { ratePerSecond: 0.5, burst: 1, queueLimit: 100, typingMs: 0 };
    const { host, sessionId, token, contact } = await linkedSession(pacing);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api.request('POST', `/v1/sessions/${sessionId}/messages`, {
        token,
        body: { to: contact.pn, text: `before logout ${i}` },
      });
      ids.push(((await res.json()) as { messageId: string }).messageId);
      api.now = new Date(api.now.getTime() + 1);
    }
    await h.fake.waitForMessage(contact.pn, (m) => m.id === ids[0] && !m.deviceSent);
    // SENT comes with WhatsApp's ack, a moment after the contact has it; a
    // logout before that ack would fail the first one too (it is in flight).
    await waitFor(
      async () => statuses(await h.eventsOf(sessionId), ids[0] as string).includes('SENT'),
      'SENT for the first',
    );
    await host.session(sessionId)?.end('logout');
    const events = await waitFor(async () => {
      const all = await h.eventsOf(sessionId);
      return ids.slice(1).every((id) => statuses(all, id).includes('FAILED')) && all;
    }, 'FAILED for the messages still queued');
    for (const id of ids.slice(1)) {
      const failed = events.find(
        (e) => e.type === 'session:message-status' && e.data.id === id && e.data.status === 'FAILED',
      );
      expect(failed?.data.error).toMatchObject({ code: 'SESSION_LOGGED_OUT' });
    }
    expect(statuses(events, ids[0] as string)).toContain('SENT');
    expect(
      h.fake
        .inbox(contact.pn)
        .filter((m) => !m.deviceSent)
        .map((m) => m.id),
    ).toEqual([ids[0]]);
  });
});
