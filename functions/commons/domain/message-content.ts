import { z } from 'zod';

/**
 * Message kinds beyond text and media, and the reference to a message a reply
 * quotes or an action targets. A message is named by WhatsApp's own id (the
 * `id` of a `session:message` event, or the `messageId` a send answered) in
 * the chat the send goes `to`.
 */

/** WhatsApp message ids: phones, WhatsApp Web and zapfleet mint uppercase hex or alphanumerics. */
export const WA_MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{6,128}$/;
/** A participant of a group chat, as a user JID (only meaningful when `to` is a group). */
export const PARTICIPANT_PATTERN = /^[0-9]{1,24}@(s\.whatsapp\.net|lid)$/;
/** Contact-card phone numbers: international, digits only once `+`, spaces and dashes are stripped. */
export const CARD_PHONE_PATTERN = /^[1-9][0-9]{6,14}$/;
export const MAX_CARD_NAME = 256;
export const MAX_LOCATION_TEXT = 1024;
/** One reaction is one emoji; 16 UTF-16 units covers flags and skin-tone and ZWJ sequences. */
export const MAX_REACTION_LENGTH = 16;

const messageId = z.string().regex(WA_MESSAGE_ID_PATTERN);
const participant = z.string().regex(PARTICIPANT_PATTERN);

/** The message a reply quotes. `fromMe`: the session sent it; `text` is shown in the quote bubble. */
export const quotedSchema = z.strictObject({
  messageId,
  fromMe: z.boolean().optional(),
  participant: participant.optional(),
  text: z.string().min(1).max(4096).optional(),
});
export type QuotedMessage = z.infer<typeof quotedSchema>;

export const locationSchema = z.strictObject({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().min(1).max(MAX_LOCATION_TEXT).optional(),
  address: z.string().min(1).max(MAX_LOCATION_TEXT).optional(),
});

/** zapfleet writes the vCard: a tenant cannot smuggle fields WhatsApp would parse. */
export const contactCardSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(MAX_CARD_NAME)
    .regex(/^[^\p{Cc}]+$/u, 'no control characters or line breaks'),
  phoneNumber: z.string().regex(CARD_PHONE_PATTERN),
});

/** Emoji to react with; the empty string removes the session's reaction. */
export const reactionSchema = z.strictObject({
  messageId,
  emoji: z
    .string()
    .max(MAX_REACTION_LENGTH)
    .regex(/^[^\p{L}\p{N}\p{Cc}\s]*$/u, 'one emoji, or "" to remove the reaction'),
  fromMe: z.boolean().optional(),
  participant: participant.optional(),
});

export const editSchema = z.strictObject({ messageId, text: z.string().min(1).max(4096) });
export const deleteSchema = z.strictObject({ messageId });

/** One action a send carries instead of text or media. */
export const messageActionSchema = z.discriminatedUnion('type', [
  locationSchema.extend({ type: z.literal('location') }),
  contactCardSchema.extend({ type: z.literal('contact') }),
  reactionSchema.extend({ type: z.literal('reaction') }),
  editSchema.extend({ type: z.literal('edit') }),
  deleteSchema.extend({ type: z.literal('delete') }),
]);
export type MessageAction = z.infer<typeof messageActionSchema>;
export type MessageActionType = MessageAction['type'];
export const MESSAGE_ACTION_TYPES = ['location', 'contact', 'reaction', 'edit', 'delete'] as const;

/** A vCard 3.0 for one name and number; the inputs are already checked (no line breaks). */
export function contactVcard(card: { readonly name: string; readonly phoneNumber: string }): string {
  const name = card.name.replace(/[\\;,]/g, (c) => `\\${c}`);
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${name}`,
    `TEL;type=CELL;waid=${card.phoneNumber}:+${card.phoneNumber}`,
    'END:VCARD',
  ].join('\n');
}

/** Every field of an action in a fixed order (absent ones null): the idempotency digest of an action send. */
export function actionFields(action: MessageAction): readonly (string | number | boolean | null)[] {
  switch (action.type) {
    case 'location':
      return [action.type, action.latitude, action.longitude, action.name ?? null, action.address ?? null];
    case 'contact':
      return [action.type, action.name, action.phoneNumber];
    case 'reaction':
      return [action.type, action.messageId, action.emoji, action.fromMe ?? null, action.participant ?? null];
    case 'edit':
      return [action.type, action.messageId, action.text];
    case 'delete':
      return [action.type, action.messageId];
  }
}

export function quotedFields(quoted: QuotedMessage): readonly (string | boolean | null)[] {
  return [quoted.messageId, quoted.fromMe ?? null, quoted.participant ?? null, quoted.text ?? null];
}

/** Unread messages a host remembers per chat for a read of the whole chat (newest kept). */
export const MAX_UNREAD_PER_CHAT = 100;
/** Read receipts per request at most (one chat). */
export const MAX_READ_IDS = 100;
/** Numbers per contacts check at most. */
export const MAX_CONTACT_CHECK = 50;
export const CHAT_PRESENCES = ['composing', 'recording', 'paused', 'available', 'unavailable'] as const;
export type ChatPresence = (typeof CHAT_PRESENCES)[number];

/** Without `messageIds`: every message of the chat the session received and has not marked read. */
export const readSchema = z.strictObject({
  messageIds: z.array(messageId).min(1).max(MAX_READ_IDS).optional(),
  participant: participant.optional(),
});
export const presenceSchema = z.strictObject({ presence: z.enum(CHAT_PRESENCES) });

/** One number of a contacts check: digits, optionally after +, spaces and dashes (stripped). */
export function parseCheckNumbers(
  input: string,
): { ok: true; numbers: string[] } | { ok: false; reason: 'count' | 'format'; detail: string } {
  const parts = input.split(',').map((p) => p.trim().replace(/[\s-]/g, ''));
  if (parts.length > MAX_CONTACT_CHECK)
    return { ok: false, reason: 'count', detail: `give at most ${MAX_CONTACT_CHECK} numbers per check` };
  const numbers: string[] = [];
  for (const part of parts) {
    const digits = part.replace(/^\+/, '');
    if (!CARD_PHONE_PATTERN.test(digits))
      return { ok: false, reason: 'format', detail: `not a phone number: ${part.slice(0, 32)}` };
    if (!numbers.includes(digits)) numbers.push(digits);
  }
  return { ok: true, numbers };
}

export interface ContactCheck {
  readonly number: string;
  readonly exists: boolean;
  readonly jid?: string | undefined;
  readonly lid?: string | undefined;
}

/**
 * In a group, a quote or reaction names a message by its id *and its sender*:
 * without `participant`, Baileys tells WhatsApp the group itself wrote it
 * (seen at the fake: `contextInfo.participant` = the group JID), and the
 * contact's app shows a broken quote. Our own messages need no participant.
 */
export function groupReferenceProblem(
  to: string,
  quoted: QuotedMessage | undefined,
  action: MessageAction | undefined,
): string | undefined {
  if (!to.endsWith('@g.us')) return undefined;
  if (quoted && !quoted.fromMe && !quoted.participant)
    return 'a quote in a group needs quoted.participant (the event’s `from`) unless quoted.fromMe';
  if (action?.type === 'reaction' && !action.fromMe && !action.participant)
    return 'a reaction in a group needs reaction.participant (the event’s `from`) unless reaction.fromMe';
  return undefined;
}
