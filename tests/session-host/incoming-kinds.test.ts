/**
 * What a contact sends arrives as events of its own kind (real Baileys against
 * the fake WhatsApp): replies carry the quoted id; reactions, edits and
 * deletions reference the original by WhatsApp's id; locations and contact
 * cards carry their content; chat and sender are named in both PN and LID form;
 * delivery, read and played receipts become session:message-status.
 */
import { proto } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '#commons/domain/events.ts';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import type { UserInfo } from '../support/fake-whatsapp/server.ts';
import { HostHarness } from './host-harness.ts';

const TOKEN = 'internal-token-for-incoming-kind-tests-0123';

let h: HostHarness;
let sessionId: string;
let device: { pn: string; jid: string };
let contact: UserInfo;
let app: ReturnType<typeof createInternalApi>;
let n = 0;

beforeAll(async () => {
  h = await HostHarness.create();
  const running = await h.startHost();
  sessionId = await h.createSession();
  contact = h.fake.createUser({ name: 'Lia' });
  device = await h.link(sessionId);
  app = createInternalApi(running.host, running.metrics, TOKEN);
}, 60_000);
afterAll(async () => {
  await h.dispose();
});

const ownJid = () => `${device.pn}@s.whatsapp.net`;

async function sendFromHost(to: string, text: string): Promise<string> {
  n += 1;
  const messageId = `3EB0INK${String(n).padStart(6, '0')}${Date.now().toString(16).toUpperCase()}`;
  const res = await app.request(`/internal/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to, text, messageId }),
  });
  expect(res.status).toBe(201);
  await h.fake.waitForMessage(contact.pn, (m) => m.id === messageId && !m.deviceSent);
  return messageId;
}

/** The contact sends `message`; resolves with its session:message event. */
async function fromContact(message: proto.IMessage, addressing: 'pn' | 'lid' = 'pn') {
  const id = await h.fake.sendMessage(contact.pn, device.pn, message, { addressing });
  const event = await h.waitForEvent(sessionId, (e) => e.type === 'session:message' && e.data.id === id);
  return event.data as Record<string, unknown>;
}

describe('incoming kinds as events', () => {
  it('a reply carries the id of the message it quotes', async () => {
    const ours = await sendFromHost(contact.pn, 'shall we meet?');
    const data = await fromContact({
      extendedTextMessage: {
        text: 'yes!',
        contextInfo: {
          stanzaId: ours,
          participant: ownJid(),
          quotedMessage: { conversation: 'shall we meet?' },
        },
      },
    });
    expect(data).toMatchObject({
      kind: 'text',
      text: 'yes!',
      quoted: { messageId: ours, participant: ownJid() },
    });
  });

  it('a reaction to our message and its removal reference the message', async () => {
    const ours = await sendFromHost(contact.pn, 'react to this');
    const key = { remoteJid: ownJid(), fromMe: false, id: ours };
    const set = await fromContact({ reactionMessage: { key, text: '❤️', senderTimestampMs: Date.now() } });
    expect(set).toMatchObject({ kind: 'reaction', reaction: { messageId: ours, emoji: '❤️', fromMe: true } });
    const removed = await fromContact({ reactionMessage: { key, text: '', senderTimestampMs: Date.now() } });
    expect(removed).toMatchObject({
      kind: 'reaction',
      reaction: { messageId: ours, emoji: '', fromMe: true },
    });
  });

  it('an edit and a deletion of the contact’s own message reference it', async () => {
    const original = await fromContact({ conversation: 'typo heer' });
    const key = { remoteJid: ownJid(), fromMe: true, id: original.id as string };
    const edited = await fromContact({
      protocolMessage: {
        key,
        type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
        editedMessage: { conversation: 'typo here' },
        timestampMs: Date.now(),
      },
    });
    expect(edited).toMatchObject({ kind: 'edit', edit: { messageId: original.id, text: 'typo here' } });
    const deleted = await fromContact({
      protocolMessage: { key, type: proto.Message.ProtocolMessage.Type.REVOKE },
    });
    expect(deleted).toMatchObject({ kind: 'delete', delete: { messageId: original.id } });
  });

  it('a location and a contact card carry their content', async () => {
    const place = await fromContact({
      locationMessage: {
        degreesLatitude: -33.86,
        degreesLongitude: 151.21,
        name: 'Opera',
        address: 'Sydney',
      },
    });
    expect(place).toMatchObject({
      kind: 'location',
      location: { latitude: -33.86, longitude: 151.21, name: 'Opera', address: 'Sydney' },
    });
    const vcard =
      'BEGIN:VCARD\nVERSION:3.0\nFN:Cy\nTEL;type=CELL;waid=4915100000001:+4915100000001\nEND:VCARD';
    const card = await fromContact({ contactMessage: { displayName: 'Cy', vcard } });
    expect(card).toMatchObject({ kind: 'contact', contact: { name: 'Cy', vcard } });
  });

  it('a LID-addressed message names chat and sender in both forms; replies to either reach the contact', async () => {
    const data = await fromContact({ conversation: 'hi from a lid chat' }, 'lid');
    expect(data).toMatchObject({
      chatPn: contact.jid,
      chatLid: contact.lidJid,
      fromPn: contact.jid,
      fromLid: contact.lidJid,
    });
    await sendFromHost(data.chat as string, 'reply to chat as is');
    await sendFromHost(data.chatLid as string, 'reply to the lid');
    const texts = h.fake
      .inbox(contact.pn)
      .filter((m) => !m.deviceSent)
      .map((m) => m.text);
    expect(texts).toEqual(expect.arrayContaining(['reply to chat as is', 'reply to the lid']));
  });

  it('delivery, read and played receipts become DELIVERED, READ and PLAYED statuses naming the chat in both forms', async () => {
    const ours = await sendFromHost(contact.pn, 'a voice note, say');
    const statusOf = (e: EventEnvelope, status: string) =>
      e.type === 'session:message-status' && e.data.id === ours && e.data.status === status;
    // Right after the contact decrypted: Baileys may still buffer its own upsert and fold the receipt into it.
    h.fake.sendReceipt(contact.pn, device.pn, [ours]);
    await h.waitForEvent(sessionId, (e) => statusOf(e, 'DELIVERED'));
    h.fake.sendReceipt(contact.pn, device.pn, [ours], 'read');
    await h.waitForEvent(sessionId, (e) => statusOf(e, 'READ'));
    h.fake.sendReceipt(contact.pn, device.pn, [ours], 'played');
    const played = await h.waitForEvent(sessionId, (e) => statusOf(e, 'PLAYED'));
    // The receipt names the chat by PN only; the LID comes from what Baileys learned sending to it.
    expect(played.data).toMatchObject({
      chat: contact.jid,
      chatPn: contact.jid,
      chatLid: contact.lidJid,
      fromMe: true,
    });
  });
});
