/**
 * Message kinds and chat actions through a session host's internal API (real
 * Baileys against the fake WhatsApp): what the contact decrypts is the reply,
 * reaction, edit, deletion, location or contact card asked for; read receipts
 * and typing reach the fake; the contacts check answers from WhatsApp's usync.
 */
import { proto } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import type { UserInfo } from '../support/fake-whatsapp/server.ts';
import type { ReceivedMessage } from '../support/fake-whatsapp/world.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

const TOKEN = 'internal-token-for-message-action-tests-0123';

let h: HostHarness;
let sessionId: string;
let device: { pn: string };
let contact: UserInfo;
let app: ReturnType<typeof createInternalApi>;
let n = 0;
const iqs: string[] = [];

beforeAll(async () => {
  h = await HostHarness.create();
  const running = await h.startHost();
  sessionId = await h.createSession();
  contact = h.fake.createUser({ name: 'Ana' });
  device = await h.link(sessionId);
  app = createInternalApi(running.host, running.metrics, TOKEN);
  h.fake.events.on('iq', (_jid, xmlns) => iqs.push(xmlns));
}, 60_000);
afterAll(async () => {
  await h.dispose();
});

async function post(path: string, body: unknown) {
  const res = await app.request(`/internal/sessions/${sessionId}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Sends through the host; resolves with what the contact decrypted under that id. */
async function send(fields: Record<string, unknown>, to: string = contact.pn): Promise<ReceivedMessage> {
  n += 1;
  const messageId = `3EB0ACT${String(n).padStart(6, '0')}${Date.now().toString(16).toUpperCase()}`;
  const res = await post('/messages', { to, messageId, ...fields });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return h.fake.waitForMessage(contact.pn, (m) => m.id === messageId && !m.deviceSent);
}

/** The contact writes; resolves with its event's data once it is in the log. */
async function incoming(text: string) {
  await h.fake.sendText(contact.pn, device.pn, text);
  const event = await h.waitForEvent(sessionId, (e) => e.data.text === text);
  return event.data as { id: string; chat: string };
}

describe('outgoing kinds and actions, decrypted by the contact', () => {
  it('replies quoting a contact’s message by the event’s id', async () => {
    const quoted = await incoming('can you call me?');
    const got = await send({
      text: 'sure, at 5',
      quoted: { messageId: quoted.id, text: 'can you call me?' },
    });
    const context = got.message.extendedTextMessage?.contextInfo;
    expect(got.message.extendedTextMessage?.text).toBe('sure, at 5');
    expect(context?.stanzaId).toBe(quoted.id);
    expect(context?.participant).toBe(contact.jid);
    expect(context?.quotedMessage?.conversation).toBe('can you call me?');
  });

  it('reacts to a message and removes the reaction with an empty emoji', async () => {
    const target = await incoming('react to me');
    const set = await send({ action: { type: 'reaction', messageId: target.id, emoji: '👍' } });
    expect(set.message.reactionMessage?.text).toBe('👍');
    expect(set.message.reactionMessage?.key?.id).toBe(target.id);
    expect(set.message.reactionMessage?.key?.fromMe).toBe(false);
    const removed = await send({ action: { type: 'reaction', messageId: target.id, emoji: '' } });
    expect(removed.message.reactionMessage?.text).toBe('');
    expect(removed.message.reactionMessage?.key?.id).toBe(target.id);
  });

  it('edits and deletes for everyone a message it sent', async () => {
    const original = await send({ text: 'meet at 4' });
    const edited = await send({ action: { type: 'edit', messageId: original.id, text: 'meet at 5' } });
    const edit = edited.message.protocolMessage;
    expect(edit?.type).toBe(proto.Message.ProtocolMessage.Type.MESSAGE_EDIT);
    expect(edit?.key?.id).toBe(original.id);
    const newText = edit?.editedMessage?.conversation ?? edit?.editedMessage?.extendedTextMessage?.text;
    expect(newText).toBe('meet at 5');

    const deleted = await send({ action: { type: 'delete', messageId: original.id } });
    expect(deleted.message.protocolMessage?.type).toBe(proto.Message.ProtocolMessage.Type.REVOKE);
    expect(deleted.message.protocolMessage?.key?.id).toBe(original.id);
  });

  it.each([
    ['edit', { text: 'not yours' }],
    ['delete', {}],
  ])('refuses to %s a contact’s message with 422 NOT_OWN_MESSAGE and sends nothing', async (type, extra) => {
    const theirs = await incoming(`their message to ${type}`);
    const before = h.fake.inbox(contact.pn).length;
    const res = await post('/messages', {
      to: contact.pn,
      messageId: `3EB0NOTOWN${type.toUpperCase()}${Date.now().toString(16).toUpperCase()}`,
      action: { type, messageId: theirs.id, ...extra },
    });
    expect(res.status).toBe(422);
    expect((res.body.error as { code: string }).code).toBe('NOT_OWN_MESSAGE');
    // A message sent after it arrives first: nothing from the refused action is in between.
    const after = await send({ text: `after the refused ${type}` });
    expect(
      h.fake
        .inbox(contact.pn)
        .slice(before)
        .filter((m) => !m.deviceSent),
    ).toEqual([after]);
  });

  it('sends a location and a contact card built from name and number', async () => {
    const place = await send({
      action: { type: 'location', latitude: 52.52, longitude: 13.405, name: 'Office', address: 'Main St 1' },
    });
    expect(place.message.locationMessage).toMatchObject({
      degreesLatitude: 52.52,
      degreesLongitude: 13.405,
      name: 'Office',
      address: 'Main St 1',
    });
    const card = await send({ action: { type: 'contact', name: 'Bo; Smith', phoneNumber: '4915123456789' } });
    expect(card.message.contactMessage?.displayName).toBe('Bo; Smith');
    expect(card.message.contactMessage?.vcard).toContain('FN:Bo\\; Smith');
    expect(card.message.contactMessage?.vcard).toContain('waid=4915123456789:+4915123456789');
  });

  it('sends read receipts for a contact’s messages of one chat', async () => {
    const first = await incoming('read me 1');
    const second = await incoming('read me 2');
    const res = await post('/read', { chat: first.chat, messageIds: [first.id, second.id] });
    expect(res.status).toBe(200);
    const receipt = await h.fake.waitForReceipt((r) => r.type === 'read' && r.id === first.id);
    expect(receipt.to).toBe(contact.jid);
  });

  it('marks a whole chat read: read receipts for every unread message of it, once', async () => {
    const texts = ['whole chat 1', 'whole chat 2', 'whole chat 3'];
    const ids: string[] = [];
    for (const text of texts) ids.push((await incoming(text)).id);
    const readIds = () =>
      h.fake.receipts.filter((r) => r.type === 'read' && r.to === contact.jid).flatMap((r) => r.ids);
    const res = await post('/read', { chat: contact.jid });
    expect(res.status).toBe(200);
    await waitFor(
      () => ids.every((id) => readIds().includes(id)),
      () => `read receipts for ${ids.join(', ')}; saw ${JSON.stringify(readIds())}`,
    );
    // Marked read once: a second read of the chat sends nothing more for them.
    const before = readIds().length;
    expect((await post('/read', { chat: contact.jid })).status).toBe(200);
    const again = await incoming('after the read');
    expect((await post('/read', { chat: contact.pn })).status).toBe(200);
    await waitFor(() => readIds().includes(again.id), 'a read receipt for the newest message');
    expect(readIds().filter((id) => ids.includes(id)).length).toBe(ids.length);
    expect(readIds().length).toBe(before + 1);
  });

  it('shows typing and paused in a chat', async () => {
    expect((await post('/presence', { chat: contact.pn, presence: 'composing' })).status).toBe(200);
    expect((await post('/presence', { chat: contact.pn, presence: 'paused' })).status).toBe(200);
    const states = await waitFor(
      async () => {
        const seen = h.fake.presences().filter((p) => p.to === contact.jid);
        return seen.length >= 2 ? seen.map((p) => p.state) : undefined;
      },
      () => `two chatstates to ${contact.jid}; saw ${JSON.stringify(h.fake.presences())}`,
      10_000,
      20,
    );
    expect(states).toEqual(['composing', 'paused']);
  });

  it('checks which numbers are on WhatsApp, with JID and LID', async () => {
    const res = await post('/contacts/check', { numbers: [contact.pn, '19995550123'] });
    expect(res.status).toBe(200);
    expect(res.body.contacts).toEqual([
      { number: contact.pn, exists: true, jid: contact.jid, lid: contact.lidJid },
      { number: '19995550123', exists: false },
    ]);
  });

  it('paces contacts checks per session: past the burst of numbers, 429 RATE_LIMITED with Retry-After and no query', async () => {
    const usyncs = () => iqs.filter((q) => q === 'usync').length;
    const numbers = (round: number) =>
      Array.from(
        { length: 50 },
        (_, i) => `1999${String(round).padStart(3, '0')}${String(i).padStart(4, '0')}`,
      );
    let refused: { status: number; body: Record<string, unknown>; retryAfter: string | null } | undefined;
    let round = 0;
    // 200 numbers may go at once (DEFAULT_CONTACT_CHECK_RATE); the refill in between is a few numbers a second.
    while (!refused && round < 6) {
      round += 1;
      const before = usyncs();
      const res = await app.request(`/internal/sessions/${sessionId}/contacts/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ numbers: numbers(round) }),
      });
      if (res.status === 200) continue;
      const body = (await res.json()) as Record<string, unknown>;
      refused = { status: res.status, body, retryAfter: res.headers.get('retry-after') };
      expect(usyncs()).toBe(before);
    }
    expect(round).toBeGreaterThanOrEqual(4);
    expect(refused?.status).toBe(429);
    expect(refused?.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused?.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['a latitude out of range', { action: { type: 'location', latitude: 91, longitude: 0 } }],
    ['a reaction that is a word', { action: { type: 'reaction', messageId: '3EB0AAAAAAAA', emoji: 'ok' } }],
    [
      'an action with a quote',
      { action: { type: 'delete', messageId: '3EB0AAAAAAAA' }, quoted: { messageId: 'X1234567' } },
    ],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_what, fields) => {
    const res = await post('/messages', { to: contact.pn, messageId: '3EB0BAD0000001', ...fields });
    expect(res.status).toBe(400);
    expect((res.body.error as { code: string }).code).toBe('VALIDATION_FAILED');
  });
});
