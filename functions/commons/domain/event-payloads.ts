import { z } from 'zod';
import type { EventType } from './events.ts';
import { GROUP_ACTIONS } from './groups.ts';
import { MEDIA_ERROR_CODES, MEDIA_KINDS } from './media.ts';
import { SESSION_STATUSES, type SessionState } from './session-status.ts';

/**
 * One definition of each event type's `data`: the host publishes these, the
 * WebSocket snapshot repeats them, and the OpenAPI event schema documents them.
 */
const statusReason = z.object({ code: z.string(), message: z.string(), action: z.string() });
/** IncomingMediaInfo (domain/media.ts): never the bytes, never a thumbnail. */
const incomingMedia = z.object({
  kind: z.enum(MEDIA_KINDS),
  mimetype: z.string(),
  id: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  fileName: z.string().optional(),
  durationSeconds: z.number().optional(),
  error: z.object({ code: z.enum(MEDIA_ERROR_CODES), message: z.string() }).optional(),
});
const me = z.object({ jid: z.string(), phoneNumber: z.string(), name: z.string().optional() });

/**
 * Identity and kinds of `session:message` (`id` is WhatsApp's message id):
 * both forms of chat and sender when WhatsApp gave both; a reply's quoted id;
 * reactions (emoji "" = removed), edits and deletions referencing the
 * original by its id; locations; contact cards.
 */
const messageRef = { messageId: z.string() };
const messageKindFields = {
  chatPn: z.string().optional(),
  chatLid: z.string().optional(),
  fromPn: z.string().optional(),
  fromLid: z.string().optional(),
  quoted: z.object({ ...messageRef, participant: z.string().optional() }).optional(),
  reaction: z.object({ ...messageRef, emoji: z.string(), fromMe: z.boolean() }).optional(),
  edit: z.object({ ...messageRef, text: z.string().optional() }).optional(),
  delete: z.object(messageRef).optional(),
  location: z
    .object({
      latitude: z.number(),
      longitude: z.number(),
      name: z.string().optional(),
      address: z.string().optional(),
    })
    .optional(),
  contact: z.object({ name: z.string().optional(), vcard: z.string() }).optional(),
};

export const EVENT_DATA_SCHEMAS = {
  qr: z.object({ qr: z.string(), qrSeq: z.number().int(), expiresAt: z.string() }),
  'session:status': z.object({
    status: z.enum(SESSION_STATUSES),
    reason: statusReason.optional(),
    /** Only in the snapshot a subscriber receives. */
    me: me.optional(),
  }),
  'session:connected': z.object({ me: me.optional() }),
  'session:disconnected': z.object({
    statusCode: z.number().int().nullable(),
    reason: statusReason,
    willReconnect: z.boolean(),
    retryInMs: z.number().optional(),
  }),
  'session:message': z.object({
    id: z.string(),
    chat: z.string(),
    from: z.string(),
    fromMe: z.boolean(),
    pushName: z.string().optional(),
    timestamp: z.number(),
    kind: z.string(),
    text: z.string().optional(),
    /** True for messages WhatsApp queued while the session was offline. */
    offline: z.boolean(),
    /** Image, video, audio, document or sticker: stored in the media bucket (id) or why not (error). */
    media: incomingMedia.optional(),
    ...messageKindFields,
  }),
  'session:message-status': z.object({
    id: z.string(),
    chat: z.string().nullish(),
    fromMe: z.boolean(),
    /** QUEUED, SENT, FAILED for a queued send (202); SERVER_ACK, DELIVERED, READ… from WhatsApp's receipts. */
    status: z.string(),
    chatPn: z.string().optional(),
    chatLid: z.string().optional(),
    /** Why a queued message FAILED (INVALID_RECIPIENT, SESSION_LOGGED_OUT, SEND_FAILED). */
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    /** A group message: the member whose receipt this is (`status` is theirs). */
    participant: z.string().optional(),
    /** A group message: every member's status heard so far (see README "Groups"). */
    participants: z.record(z.string(), z.string()).optional(),
  }),
  'session:group-participants': z.object({
    group: z.string(),
    action: z.enum(GROUP_ACTIONS),
    participants: z.array(
      z.object({ jid: z.string(), phoneNumberJid: z.string().optional(), lid: z.string().optional() }),
    ),
    /** Who made the change, as WhatsApp named them (absent for some server-made changes). */
    actor: z.string().optional(),
  }),
  'session:logged-out': z.object({ reason: statusReason }),
  'session:error': z.object({
    code: z.string(),
    message: z.string().optional(),
    reason: statusReason.optional(),
  }),
  /** In the log of the session whose delivery disabled the endpoint; the URL has no credentials or query. */
  'webhook:disabled': z.object({
    webhookId: z.string(),
    url: z.string(),
    reason: z.enum(['gone', 'failing']),
    disabledAt: z.string(),
  }),
} as const satisfies Record<EventType, z.ZodType>;

export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA_SCHEMAS)[T]>;
export type Me = z.infer<typeof me>;

export function statusEventData(state: SessionState, current?: Me): EventData<'session:status'> {
  return {
    status: state.status,
    ...(state.statusReason && { reason: state.statusReason }),
    ...(current && { me: current }),
  };
}

export function qrEventData(qr: { value: string; seq: number; expiresAt: string }): EventData<'qr'> {
  return { qr: qr.value, qrSeq: qr.seq, expiresAt: qr.expiresAt };
}
