import { jidEncode, USyncQuery, USyncUser, type WASocket } from '@whiskeysockets/baileys';
import type { ChatPresence, ContactCheck } from '#commons/domain/message-content.ts';
import { parseRecipient } from '#commons/domain/recipient.ts';
import { phoneOf } from '../runtime/message-events.ts';
import { InvalidRecipientError } from '../runtime/session-errors.ts';
import type { UnreadMessages } from './unread-messages.ts';

function chatJid(chat: string): string {
  const recipient = parseRecipient(chat);
  if (!recipient) throw new InvalidRecipientError('expected a phone number, a user JID or a group JID');
  return jidEncode(recipient.user, recipient.server);
}

/**
 * Read receipts for messages of one chat that contacts sent (own messages need
 * none): the ids given, or without ids every message of the chat the session
 * received and has not marked read (`unread`, bounded).
 */
export async function markRead(
  sock: WASocket,
  read: {
    readonly chat: string;
    readonly messageIds?: readonly string[] | undefined;
    readonly participant?: string;
  },
  unread: UnreadMessages,
): Promise<{ read: number }> {
  const remoteJid = chatJid(read.chat);
  const keys = read.messageIds
    ? read.messageIds.map((id) => ({
        remoteJid,
        id,
        ...(read.participant && { participant: read.participant }),
      }))
    : unread.take(remoteJid);
  if (keys.length === 0) return { read: 0 };
  await sock.readMessages(
    keys.map((k) => ({
      remoteJid: k.remoteJid,
      id: k.id,
      fromMe: false,
      ...(k.participant && { participant: k.participant }),
    })),
  );
  if (read.messageIds) unread.read(remoteJid, read.messageIds);
  return { read: keys.length };
}

export async function sendPresence(sock: WASocket, chat: string, presence: ChatPresence): Promise<void> {
  await sock.sendPresenceUpdate(presence, chatJid(chat));
}

/**
 * One usync query with the contact and LID protocols (Baileys' `onWhatsApp`
 * asks for the contact protocol only, so it cannot name the LID). A number
 * WhatsApp leaves out of its answer does not exist.
 */
export async function checkContacts(sock: WASocket, numbers: readonly string[]): Promise<ContactCheck[]> {
  const query = new USyncQuery().withContactProtocol().withLIDProtocol();
  for (const number of numbers) query.withUser(new USyncUser().withPhone(`+${number}`));
  const result = await sock.executeUSyncQuery(query);
  const found = new Map<string, { jid: string; exists: boolean; lid?: string }>();
  for (const entry of result?.list ?? []) {
    const number = phoneOf(entry.id);
    if (!number) continue;
    const lid = typeof entry.lid === 'string' && entry.lid ? entry.lid : undefined;
    found.set(number, { jid: entry.id, exists: entry.contact === true, ...(lid && { lid }) });
  }
  return numbers.map((number) => {
    const entry = found.get(number);
    if (!entry?.exists) return { number, exists: false };
    return { number, exists: true, jid: entry.jid, ...(entry.lid && { lid: entry.lid }) };
  });
}
