import { z } from '@hono/zod-openapi';
import { RECIPIENT_PATTERN } from '#commons/domain/recipient.ts';
import {
  metadataSchema,
  PHONE_NUMBER_PATTERN,
  phoneNumberSchema,
  type SessionRecord,
  sessionNameSchema,
} from '#commons/domain/session-record.ts';
import { DESIRED_STATES, isQrCurrent, SESSION_STATUSES } from '#commons/domain/session-status.ts';
import { tenantQueryField } from './common-schemas.ts';
import { AudioMedia, DocumentMedia, ImageMedia, StickerMedia, VideoMedia } from './media-schemas.ts';
import {
  ContactCardSchema,
  DeleteSchema,
  EditSchema,
  LocationSchema,
  QuotedSchema,
  ReactionSchema,
} from './message-action-schemas.ts';

export const StatusSchema = z.enum(SESSION_STATUSES).openapi('SessionStatus', {
  description:
    'STOPPED → STARTING → QR → CONNECTED; DISCONNECTED (with statusReason) while reconnecting; LOGGED_OUT after unlinking; FAILED when given up.',
});

const StatusReasonSchema = z
  .object({ code: z.string(), message: z.string(), action: z.string() })
  .openapi('StatusReason');

export const SessionSchema = z
  .object({
    id: z.string().openapi({ example: 'ses_abcdefghijklmnopqrst' }),
    tenantId: z.string(),
    name: z.string().optional(),
    phoneNumber: z.string().optional(),
    metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    status: StatusSchema,
    statusReason: StatusReasonSchema.optional(),
    desired: z.enum(DESIRED_STATES),
    me: z.object({ jid: z.string(), phoneNumber: z.string(), name: z.string().optional() }).optional(),
    qrAvailable: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Session');

export type SessionView = z.infer<typeof SessionSchema>;

export function toSessionView(record: SessionRecord, now: Date): SessionView {
  return {
    id: record.sessionId,
    tenantId: record.tenantId,
    ...(record.name !== undefined && { name: record.name }),
    ...(record.phoneNumber !== undefined && { phoneNumber: record.phoneNumber }),
    ...(record.metadata !== undefined && { metadata: record.metadata }),
    status: record.status,
    ...(record.statusReason !== undefined && { statusReason: record.statusReason }),
    desired: record.desired,
    ...(record.me !== undefined && { me: record.me }),
    qrAvailable: isQrCurrent(record, now),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

// Domain schemas are built before @hono/zod-openapi patches zod (zod 4 copies methods at
// construction), so they are wrapped in a fresh schema that can carry OpenAPI metadata.
const phoneInput = z
  .string()
  .pipe(phoneNumberSchema)
  .openapi({
    type: 'string',
    example: '+49 151 23456789',
    description: `International format; spaces, dashes and a leading + are accepted and stripped (stored as ${PHONE_NUMBER_PATTERN.source}).`,
  });

export const CreateSessionBody = z
  .strictObject({
    name: sessionNameSchema
      .optional()
      .openapi({ example: 'support-line', description: 'Unique in the tenant.' }),
    phoneNumber: phoneInput.optional(),
    metadata: metadataSchema.optional().openapi({
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
      description: 'Up to 32 keys of string/number/boolean/null, at most 2 KB as JSON.',
    }),
  })
  .openapi('CreateSession');

export const CreateSessionQuery = z.object({ tenantId: tenantQueryField });

export const ListSessionsQuery = z.object({
  tenantId: tenantQueryField,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({
      param: { name: 'limit', in: 'query' },
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 20,
    }),
  cursor: z
    .string()
    .max(512)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'nextCursor of the previous page' }),
  status: z
    .enum(SESSION_STATUSES)
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
});

export const SessionPageSchema = z
  .object({ sessions: z.array(SessionSchema), nextCursor: z.string().optional() })
  .openapi('SessionPage');

export const PairingCodeBody = z.strictObject({ phoneNumber: phoneInput }).openapi('PairingCodeRequest');
export const PairingCodeSchema = z.object({ code: z.string() }).openapi('PairingCode');

export const QrQuery = z.object({
  format: z
    .enum(['json', 'png', 'svg'])
    .default('json')
    .openapi({ param: { name: 'format', in: 'query' }, description: 'json (default), png or svg' }),
});

export const QrSchema = z
  .object({ qr: z.string(), seq: z.number().int(), expiresAt: z.string() })
  .openapi('Qr');

/** The fields of a send that carry its content; exactly one is given. */
export const MESSAGE_CONTENT_KEYS = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contact',
  'reaction',
  'edit',
  'delete',
] as const;
/** Content keys that may carry a `quoted` reply reference. */
const QUOTABLE_KEYS = ['text', 'image', 'video', 'audio', 'document', 'location', 'contact'] as const;

export const SendMessageBody = z
  .strictObject({
    to: z
      .string()
      .regex(RECIPIENT_PATTERN, 'expected a phone number, a user JID (@s.whatsapp.net, @lid) or a group JID')
      .openapi({
        example: '4915123456789',
        description:
          'A phone number in international format, or the `chat` of an event as is (`…@s.whatsapp.net`, `…@lid`, `…@g.us`). Status, broadcast, newsletter and device JIDs are refused.',
      }),
    text: z.string().min(1).max(4096).optional().openapi({ example: 'Hello from zapfleet' }),
    image: ImageMedia.optional(),
    video: VideoMedia.optional(),
    audio: AudioMedia.optional(),
    document: DocumentMedia.optional(),
    sticker: StickerMedia.optional(),
    location: LocationSchema.optional(),
    contact: ContactCardSchema.optional(),
    reaction: ReactionSchema.optional(),
    edit: EditSchema.optional(),
    delete: DeleteSchema.optional(),
    quoted: QuotedSchema.optional(),
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/)
      .optional()
      .openapi({ description: 'Repeating a key within 24 h returns the same messageId and sends once.' }),
    mode: z.enum(['queued', 'sync']).default('queued').openapi({
      description:
        "`queued` (default): answer 202 once the message is durably in the session's send queue; `session:message-status` events follow (QUEUED, SENT or FAILED, then DELIVERED/READ). `sync`: answer 201 once the host has sent it.",
    }),
  })
  .superRefine((body, ctx) => {
    const given = MESSAGE_CONTENT_KEYS.filter((key) => body[key] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [given[1] ?? 'text'],
        message: `give exactly one of ${MESSAGE_CONTENT_KEYS.join(', ')}`,
      });
    const [kind] = given;
    if (body.quoted && kind && !(QUOTABLE_KEYS as readonly string[]).includes(kind))
      ctx.addIssue({
        code: 'custom',
        path: ['quoted'],
        message: `quoted goes with one of ${QUOTABLE_KEYS.join(', ')}`,
      });
  })
  .openapi('SendMessage', {
    description:
      '`to` and exactly one of `text`, `image`, `video`, `audio`, `document`, `sticker`, `location`, `contact`, `reaction`, `edit`, `delete`; `quoted` makes it a reply. Media comes from an upload (`mediaId`) or an https `url`. Messages are named by WhatsApp’s id: the `id` of a `session:message` event, or the `messageId` a send answered.',
  });

export const SentMessageSchema = z
  .object({
    messageId: z.string().openapi({ example: '3EB0A1B2C3D4E5F6A7B8C9' }),
    status: z
      .string()
      .openapi({ description: 'QUEUED (202), or how far it got: SENDING, SENT, FAILED, SERVER_ACK…' }),
  })
  .openapi('SentMessage');
