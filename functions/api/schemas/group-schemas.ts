import { z } from '@hono/zod-openapi';
import {
  GROUP_JID_PATTERN,
  MAX_GROUP_PARTICIPANTS_PER_CALL,
  MAX_GROUP_SUBJECT_LENGTH,
  PARTICIPANT_OUTCOMES,
  PARTICIPANT_PATTERN,
} from '#commons/domain/groups.ts';
import { SESSION_ID_PATTERN } from '#commons/domain/ids.ts';

const participant = z.string().regex(PARTICIPANT_PATTERN).openapi({
  description: 'A phone number in international format, a `…@s.whatsapp.net` JID or a `…@lid` JID',
  example: '4915112345678',
});
const participants = z.array(participant).min(1).max(MAX_GROUP_PARTICIPANTS_PER_CALL);

export const GroupParams = z.object({
  id: z
    .string()
    .regex(SESSION_ID_PATTERN)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ses_abcdefghijklmnopqrst' }),
  groupJid: z
    .string()
    .regex(GROUP_JID_PATTERN)
    .openapi({ param: { name: 'groupJid', in: 'path' }, example: '120363025246125888@g.us' }),
});

export const GroupParticipantSchema = z
  .object({
    jid: z
      .string()
      .openapi({ description: 'As WhatsApp names the member in this group (a LID in LID-addressed groups)' }),
    phoneNumberJid: z.string().optional(),
    lid: z.string().optional(),
    role: z.enum(['admin', 'superadmin']).optional(),
  })
  .openapi('GroupParticipant');

export const GroupSchema = z
  .object({
    jid: z.string(),
    subject: z.string(),
    addressingMode: z.enum(['pn', 'lid']),
    owner: z.string().optional(),
    creation: z.number().optional().openapi({ description: 'Unix seconds' }),
    size: z.number().int(),
    participants: z.array(GroupParticipantSchema),
  })
  .openapi('Group');

export const GroupListSchema = z.object({ groups: z.array(GroupSchema) }).openapi('GroupList');

export const CreateGroupBody = z
  .strictObject({
    subject: z.string().trim().min(1).max(MAX_GROUP_SUBJECT_LENGTH),
    participants: participants.openapi({
      description: `1 to ${MAX_GROUP_PARTICIPANTS_PER_CALL} people to add besides the linked number`,
    }),
  })
  .openapi('CreateGroup');

/** Exactly one of `add` and `remove`. */
export const GroupParticipantsBody = z
  .union([z.strictObject({ add: participants }), z.strictObject({ remove: participants })])
  .openapi('GroupParticipantsChange', {
    description: `Exactly one of add or remove, 1 to ${MAX_GROUP_PARTICIPANTS_PER_CALL} participants`,
  });

export const ParticipantResultsSchema = z
  .object({
    participants: z.array(
      z.object({
        jid: z.string(),
        outcome: z.enum(PARTICIPANT_OUTCOMES),
        code: z.string().openapi({ description: "WhatsApp's own code for this participant (200 when done)" }),
      }),
    ),
  })
  .openapi('GroupParticipantResults');

export const LeftGroupSchema = z.object({ left: z.literal(true) }).openapi('LeftGroup');
