/**
 * The public API end to end against a real host (real Baileys against the fake
 * WhatsApp, one embedded AWS): the API's host client speaks HTTP to the host's
 * internal API. Each action is sent through /v1 — sync and queued — and the
 * contact decrypts it; read receipts, typing and the contacts check arrive;
 * a reply to an incoming LID chat's event `chat` as is reaches the contact.
 */
import { proto } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import { type ApiHarness, createApiHarness } from '../api/support/api-harness.ts';
import type { UserInfo } from '../support/fake-whatsapp/server.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

const INTERNAL = 'internal-token-for-api-action-tests-012345';

let h: HostHarness;
let api: ApiHarness;
let token: string;
let sessionId: string;
let device: { pn: string };
let contact: UserInfo;

beforeAll(async () => {
  h = await HostHarness.create();
  const running = await h.startHost();
  api = await createApiHarness('actions-e2e', { aws: h.aws });
  token = await api.adminToken('acme');
  const internal = createInternalApi(running.host, running.metrics, INTERNAL);
  // The API's real host client, its HTTP carried to the host's internal app in process.
  const real = new HttpHostClient({
    internalToken: INTERNAL,
    timeoutMs: 15_000,
    fetch: (async (url: string, init: RequestInit) =>
      internal.request(new URL(url).pathname, init)) as typeof fetch,
  });
  for (const method of ['sendMessage', 'markRead', 'sendPresence', 'checkContacts', 'nudge'] as const)
    Object.assign(api.hostClient, { [method]: real[method].bind(real) });
  const created = await api.request('POST', '/v1/sessions', { token, body: {} });
  sessionId = ((await created.json()) as { id: string }).id;
  expect((await api.request('POST', `/v1/sessions/${sessionId}/start`, { token })).status).toBe(202);
  contact = h.fake.createUser({ name: 'Uma' });
  device = await h.link(sessionId);
}, 60_000);
afterAll(async () => {
  await h.dispose();
});

let n = 0;
async function send(body: Record<string, unknown>, mode: 'sync' | 'queued' = 'sync') {
  n += 1;
  const res = await api.request('POST', `/v1/sessions/${sessionId}/messages`, {
    token,
    body: { to: contact.pn, mode, idempotencyKey: `e2e-${n}-${Date.now()}`, ...body },
  });
  expect(res.status, await res.clone().text()).toBe(mode === 'sync' ? 201 : 202);
  const { messageId } = (await res.json()) as { messageId: string };
  return h.fake.waitForMessage(contact.pn, (m) => m.id === messageId && !m.deviceSent, 15_000);
}

async function incoming(text: string, addressing: 'pn' | 'lid' = 'pn') {
  await h.fake.sendText(contact.pn, device.pn, text, { addressing });
  const event = await h.waitForEvent(sessionId, (e) => e.data.text === text);
  return event.data as { id: string; chat: string; chatLid?: string };
}

describe('message actions through the public API', () => {
  it('replies, reacts, edits and deletes (sync), seen decrypted by the contact', async () => {
    const theirs = await incoming('what time?');
    const reply = await send({ text: 'at 5', quoted: { messageId: theirs.id } });
    expect(reply.message.extendedTextMessage?.contextInfo?.stanzaId).toBe(theirs.id);
    const reaction = await send({ reaction: { messageId: theirs.id, emoji: '👍' } });
    expect(reaction.message.reactionMessage).toMatchObject({ text: '👍', key: { id: theirs.id } });
    const edit = await send({ edit: { messageId: reply.id, text: 'at 6' } });
    expect(edit.message.protocolMessage).toMatchObject({
      type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
      key: { id: reply.id },
    });
    const revoke = await send({ delete: { messageId: reply.id } });
    expect(revoke.message.protocolMessage).toMatchObject({
      type: proto.Message.ProtocolMessage.Type.REVOKE,
      key: { id: reply.id },
    });
  });

  it('queues a location, a contact card, a reaction removal and a reply; the host sends each', async () => {
    const theirs = await incoming('where are you?');
    const place = await send({ location: { latitude: 48.85, longitude: 2.35, name: 'Paris' } }, 'queued');
    expect(place.message.locationMessage).toMatchObject({ degreesLatitude: 48.85, name: 'Paris' });
    const card = await send({ contact: { name: 'Dee', phoneNumber: '4915100000002' } }, 'queued');
    expect(card.message.contactMessage?.vcard).toContain('waid=4915100000002');
    const removed = await send({ reaction: { messageId: theirs.id, emoji: '' } }, 'queued');
    expect(removed.message.reactionMessage).toMatchObject({ text: '', key: { id: theirs.id } });
    const reply = await send({ text: 'queued reply', quoted: { messageId: theirs.id } }, 'queued');
    expect(reply.message.extendedTextMessage?.contextInfo?.stanzaId).toBe(theirs.id);
  });

  it('a queued delete of the contact’s message fails with NOT_OWN_MESSAGE; a sync one is 422', async () => {
    const theirs = await incoming('not yours to delete');
    const res = await api.request('POST', `/v1/sessions/${sessionId}/messages`, {
      token,
      body: { to: contact.pn, delete: { messageId: theirs.id } },
    });
    expect(res.status).toBe(202);
    const { messageId } = (await res.json()) as { messageId: string };
    const failed = await h.waitForEvent(
      sessionId,
      (e) => e.type === 'session:message-status' && e.data.id === messageId && e.data.status === 'FAILED',
    );
    expect(failed.data.error).toMatchObject({ code: 'NOT_OWN_MESSAGE' });
    const sync = await api.request('POST', `/v1/sessions/${sessionId}/messages`, {
      token,
      body: { to: contact.pn, mode: 'sync', delete: { messageId: theirs.id } },
    });
    expect(sync.status).toBe(422);
    expect(((await sync.json()) as { error: { code: string } }).error.code).toBe('NOT_OWN_MESSAGE');
  });

  it('replies to a LID-addressed message’s `chat` and `chatLid` as they are', async () => {
    const theirs = await incoming('hello from lid', 'lid');
    expect(theirs.chatLid).toBe(contact.lidJid);
    for (const to of [theirs.chat, theirs.chatLid as string]) {
      const res = await api.request('POST', `/v1/sessions/${sessionId}/messages`, {
        token,
        body: { to, mode: 'sync', text: `reply via ${to}`, quoted: { messageId: theirs.id } },
      });
      expect(res.status).toBe(201);
      const got = await h.fake.waitForMessage(contact.pn, (m) => m.text === `reply via ${to}`);
      expect(got.message.extendedTextMessage?.contextInfo?.stanzaId).toBe(theirs.id);
    }
  });

  it('marks read, shows typing and checks contacts through the API', async () => {
    const theirs = await incoming('read this');
    const read = await api.request('POST', `/v1/sessions/${sessionId}/chats/${theirs.chat}/read`, {
      token,
      body: { messageIds: [theirs.id] },
    });
    expect(read.status).toBe(200);
    await h.fake.waitForReceipt((r) => r.id === theirs.id && r.type === 'read');

    // The whole chat, without ids: every message the session has not marked read yet.
    const a = await incoming('unread one');
    const b = await incoming('unread two');
    const whole = await api.request('POST', `/v1/sessions/${sessionId}/chats/${contact.pn}/read`, {
      token,
      body: {},
    });
    expect(whole.status).toBe(200);
    for (const id of [a.id, b.id])
      await h.fake.waitForReceipt((r) => r.type === 'read' && r.ids.includes(id));

    const typing = await api.request('POST', `/v1/sessions/${sessionId}/chats/${contact.pn}/presence`, {
      token,
      body: { presence: 'composing' },
    });
    expect(typing.status).toBe(200);
    await waitFor(
      async () => h.fake.presences().find((p) => p.to === contact.jid && p.state === 'composing'),
      'a composing chatstate at the fake',
      10_000,
      20,
    );

    const check = await api.request(
      'GET',
      `/v1/sessions/${sessionId}/contacts/check?numbers=${contact.pn},15550009999`,
      { token },
    );
    expect(check.status).toBe(200);
    expect(await check.json()).toEqual({
      contacts: [
        { number: contact.pn, exists: true, jid: contact.jid, lid: contact.lidJid },
        { number: '15550009999', exists: false },
      ],
    });
  });
});
