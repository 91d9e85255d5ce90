import { createHash } from 'node:crypto';
import { jidDecode, type proto, type WAMessage, type WAMessageUpdate } from '@whiskeysockets/baileys';
import type { EventData } from '#commons/domain/event-payloads.ts';
import type { IncomingMediaInfo } from '#commons/domain/media.ts';
import { unwrapMessage } from '../media/incoming-media.ts';
import { type IncomingKindFields, identityOf, incomingKindFields } from '../messaging/incoming-kinds.ts';

/**
 * The one id an incoming WhatsApp message gets as an event, whatever path
 * delivers it (live, offline queue, redelivery after a crash): derived from the
 * session and WhatsApp's own message key.
 */
export function messageEventId(sessionId: string, key: proto.IMessageKey): string {
  const material = [sessionId, key.remoteJid ?? '', key.fromMe ? '1' : '0', key.id ?? ''].join('\u0000');
  return `msg_${createHash('sha256').update(material).digest('hex').slice(0, 32)}`;
}

export function textOf(wrapped: proto.IMessage | null | undefined): string | undefined {
  const message = unwrapMessage(wrapped);
  if (!message) return undefined;
  return (
    message.conversation ??
    message.extendedTextMessage?.text ??
    message.imageMessage?.caption ??
    message.videoMessage?.caption ??
    message.documentMessage?.caption ??
    undefined
  );
}

const CARRIED_ALONG = new Set(['messageContextInfo', 'senderKeyDistributionMessage']);

function kindOf(message: proto.IMessage): string {
  // A member's group message carries its sender key in the same stanza (Baileys merges both): skip it too.
  const first = Object.keys(message).find((k) => !CARRIED_ALONG.has(k));
  if (!first) return 'unknown';
  if (first === 'conversation' || first === 'extendedTextMessage') return 'text';
  return first.replace(/Message$/, '');
}

/** A phone number from a user JID (`4915…@s.whatsapp.net`, `…:12@s.whatsapp.net`). */
export function phoneOf(jid: string | null | undefined): string | undefined {
  const decoded = jid ? jidDecode(jid) : undefined;
  if (decoded?.server !== 's.whatsapp.net' || !/^\d+$/.test(decoded.user)) return undefined;
  return decoded.user;
}

export interface MessageEventData {
  readonly [key: string]: unknown;
  readonly id: string;
  readonly chat: string;
  readonly from: string;
  readonly fromMe: boolean;
  readonly pushName?: string;
  readonly timestamp: number;
  readonly kind: string;
  readonly text?: string;
  /** True for messages WhatsApp queued while the session was offline (Baileys upsert type `append`). */
  readonly offline: boolean;
  /** Image, video, audio, document or sticker: where its bytes are stored, or why they are not. */
  readonly media?: IncomingMediaInfo;
  readonly chatPn?: string;
  readonly chatLid?: string;
  readonly fromPn?: string;
  readonly fromLid?: string;
  readonly quoted?: IncomingKindFields['quoted'];
  readonly reaction?: IncomingKindFields['reaction'];
  readonly edit?: IncomingKindFields['edit'];
  readonly delete?: IncomingKindFields['delete'];
  readonly location?: IncomingKindFields['location'];
  readonly contact?: IncomingKindFields['contact'];
}

/** Event data for a message worth an event, or undefined for protocol noise. */
export function messageEventData(msg: WAMessage, offline: boolean): MessageEventData | undefined {
  const { key, message } = msg;
  if (!key.id || !key.remoteJid || !message) return undefined;
  if (message.senderKeyDistributionMessage && Object.keys(message).length === 1) return undefined;
  if (key.remoteJid === 'status@broadcast') return undefined;
  // Replies, reactions, edits, deletions, locations, contact cards; undefined for protocol noise.
  const extra = incomingKindFields(message);
  if (!extra) return undefined;
  const text = textOf(message);
  const altJid = (key as { remoteJidAlt?: string }).remoteJidAlt;
  const chat = phoneOf(key.remoteJid) ? key.remoteJid : (altJid ?? key.remoteJid);
  return {
    id: key.id,
    chat,
    from: key.fromMe ? 'me' : key.participant || chat,
    fromMe: Boolean(key.fromMe),
    ...identityFields(key),
    ...(msg.pushName && { pushName: msg.pushName }),
    timestamp: Number(msg.messageTimestamp ?? 0),
    ...extra,
    kind: extra.kind ?? kindOf(message),
    ...(text !== undefined && { text }),
    offline,
  };
}

/** Both forms of the chat (1:1) and of the sender, where WhatsApp gave both: a reply works with either. */
function identityFields(key: proto.IMessageKey): Record<string, string> {
  const { remoteJidAlt, participant, participantAlt } = key as {
    remoteJidAlt?: string;
    participantAlt?: string;
    participant?: string;
  };
  const chat = identityOf(key.remoteJid, remoteJidAlt);
  const from = participant ? identityOf(participant, participantAlt) : key.fromMe ? {} : chat;
  return {
    ...(chat.pn && { chatPn: chat.pn }),
    ...(chat.lid && { chatLid: chat.lid }),
    ...(from.pn && { fromPn: from.pn }),
    ...(from.lid && { fromLid: from.lid }),
  };
}

const STATUS_NAMES: Record<number, string> = {
  0: 'ERROR',
  1: 'PENDING',
  2: 'SERVER_ACK',
  3: 'DELIVERED',
  4: 'READ',
  5: 'PLAYED',
};

export function messageStatusData(update: WAMessageUpdate): EventData<'session:message-status'> | undefined {
  const status = update.update.status;
  if (status === undefined || status === null || !update.key.id) return undefined;
  const chat = identityOf(update.key.remoteJid, (update.key as { remoteJidAlt?: string }).remoteJidAlt);
  return {
    id: update.key.id,
    chat: update.key.remoteJid,
    fromMe: Boolean(update.key.fromMe),
    status: STATUS_NAMES[status] ?? String(status),
    ...(chat.pn && { chatPn: chat.pn }),
    ...(chat.lid && { chatLid: chat.lid }),
  };
}

/**
 * A status Baileys folded into the upsert of a message this host sent: a
 * receipt that arrives while Baileys still buffers its own upsert is merged
 * into it and never becomes `messages.update` (rc14), so the status would be lost.
 */
export function foldedStatusData(msg: WAMessage): EventData<'session:message-status'> | undefined {
  if (!msg.key.fromMe || msg.status === undefined || msg.status === null || msg.status < 2) return undefined;
  return messageStatusData({ key: msg.key, update: { status: msg.status } });
}
