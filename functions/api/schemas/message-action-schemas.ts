import { z } from '@hono/zod-openapi';
import {
  CARD_PHONE_PATTERN,
  CHAT_PRESENCES,
  MAX_CARD_NAME,
  MAX_CONTACT_CHECK,
  MAX_LOCATION_TEXT,
  MAX_REACTION_LENGTH,
  MAX_READ_IDS,
  MAX_UNREAD_PER_CHAT,
  PARTICIPANT_PATTERN,
  WA_MESSAGE_ID_PATTERN,
} from '#commons/domain/message-content.ts';
import { RECIPIENT_PATTERN } from '#commons/domain/recipient.ts';
import { SessionIdParams } from './common-schemas.ts';

// Built here with the OpenAPI-patched zod; the domain's schemas (message-content.ts) check the same rules on the host.
const messageId = z
  .string()
  .regex(WA_MESSAGE_ID_PATTERN, 'expected a WhatsApp message id (the `id` of a session:message event)')
  .openapi({ example: '3EB0A1B2C3D4E5F6A7B8C9' });
const participant = z
  .string()
  .regex(PARTICIPANT_PATTERN, 'expected a user JID (…@s.whatsapp.net or …@lid)')
  .openapi({ description: 'In a group: who sent the message (the event’s `from`).' });

export const QuotedSchema = z
  .strictObject({
    messageId,
    fromMe: z.boolean().optional().openapi({ description: 'The session sent the quoted message.' }),
    participant: participant.optional(),
    text: z.string().min(1).max(4096).optional().openapi({ description: 'Shown in the quote bubble.' }),
  })
  .openapi('QuotedMessage', {
    description: 'The message a reply quotes, in the chat the reply goes `to` (with text or media).',
  });

export const LocationSchema = z
  .strictObject({
    latitude: z.number().min(-90).max(90).openapi({ example: 52.52 }),
    longitude: z.number().min(-180).max(180).openapi({ example: 13.405 }),
    name: z.string().min(1).max(MAX_LOCATION_TEXT).optional(),
    address: z.string().min(1).max(MAX_LOCATION_TEXT).optional(),
  })
  .openapi('Location');

export const ContactCardSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(MAX_CARD_NAME)
      .regex(/^[^\p{Cc}]+$/u, 'no control characters or line breaks'),
    phoneNumber: z
      .string()
      .regex(CARD_PHONE_PATTERN, 'expected digits in international format, no +')
      .openapi({ example: '4915123456789' }),
  })
  .openapi('ContactCard', { description: 'zapfleet builds the vCard from the name and number.' });

export const ReactionSchema = z
  .strictObject({
    messageId,
    emoji: z
      .string()
      .max(MAX_REACTION_LENGTH)
      .regex(/^[^\p{L}\p{N}\p{Cc}\s]*$/u, 'one emoji, or "" to remove the reaction')
      .openapi({ example: '👍', description: 'The empty string removes the session’s reaction.' }),
    fromMe: z.boolean().optional().openapi({ description: 'The reacted-to message is the session’s own.' }),
    participant: participant.optional(),
  })
  .openapi('Reaction');

export const EditSchema = z
  .strictObject({ messageId, text: z.string().min(1).max(4096) })
  .openapi('EditMessage', { description: 'New text of a text message the session sent.' });

export const DeleteSchema = z
  .strictObject({ messageId })
  .openapi('DeleteMessage', { description: 'Deletes a message the session sent, for everyone.' });

export const ChatParams = SessionIdParams.extend({
  chat: z
    .string()
    .regex(RECIPIENT_PATTERN, 'expected a phone number, a user JID (@s.whatsapp.net, @lid) or a group JID')
    .openapi({ param: { name: 'chat', in: 'path' }, example: '4915123456789@s.whatsapp.net' }),
});

export const ReadBody = z
  .strictObject({
    messageIds: z.array(messageId).min(1).max(MAX_READ_IDS).optional(),
    participant: participant.optional(),
  })
  .openapi('MarkRead', {
    description: `Read receipts for 1–${MAX_READ_IDS} messages of the chat; without \`messageIds\`, for every message of the chat the session received and has not marked read (the host remembers the newest ${MAX_UNREAD_PER_CHAT} per chat).`,
  });

export const PresenceBody = z.strictObject({ presence: z.enum(CHAT_PRESENCES) }).openapi('ChatPresence', {
  description:
    '`composing` (typing), `recording`, `paused` in this chat; `available`/`unavailable` for the account.',
});

export const AcceptedSchema = z.object({ accepted: z.literal(true) }).openapi('Accepted');

export const ContactsCheckQuery = z.object({
  numbers: z
    .string()
    .max(4096)
    .openapi({
      param: { name: 'numbers', in: 'query' },
      example: '4915123456789,+1 555 000 1111',
      description: `1–${MAX_CONTACT_CHECK} phone numbers, comma-separated (more: 400 TOO_MANY_NUMBERS).`,
    }),
});

export const ContactsCheckSchema = z
  .object({
    contacts: z.array(
      z.object({
        number: z.string(),
        exists: z.boolean(),
        jid: z.string().optional().openapi({ description: 'Phone-number JID, when it exists.' }),
        lid: z.string().optional().openapi({ description: 'LID JID, when WhatsApp gave it.' }),
      }),
    ),
  })
  .openapi('ContactsCheck');
