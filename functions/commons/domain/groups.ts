import { z } from 'zod';

/** A group JID as WhatsApp names groups (`120363…@g.us`, or the older `creator-time@g.us`). */
export const GROUP_JID_PATTERN = /^[0-9]{6,20}(?:-[0-9]{6,12})?@g\.us$/;
/** A participant: a phone number, a PN JID or a LID JID (never a device JID). */
export const PARTICIPANT_PATTERN =
  /^(?:\+?[1-9][0-9]{6,14}|[1-9][0-9]{6,14}@s\.whatsapp\.net|[0-9]{1,24}@lid)$/;

/** Participants per create or add/remove call: WhatsApp takes more, but one call is one IQ the host waits on. */
export const MAX_GROUP_PARTICIPANTS_PER_CALL = 50;
/** A subject as WhatsApp accepts it. */
export const MAX_GROUP_SUBJECT_LENGTH = 100;

/** `leave`: a member removed itself; `modify`: a member changed number. */
export const GROUP_ACTIONS = ['add', 'remove', 'leave', 'promote', 'demote', 'modify'] as const;
export type GroupAction = (typeof GROUP_ACTIONS)[number];

/** The JID WhatsApp is given for a participant: a bare number becomes a PN JID. */
export function participantJid(input: string): string {
  const digits = /^\+?([1-9][0-9]{6,14})$/.exec(input);
  return digits ? `${digits[1]}@s.whatsapp.net` : input;
}

export const groupParticipantSchema = z.object({
  /** As WhatsApp names the participant in this group (a LID in LID-addressed groups). */
  jid: z.string(),
  phoneNumberJid: z.string().optional(),
  lid: z.string().optional(),
  role: z.enum(['admin', 'superadmin']).optional(),
});

export const groupInfoSchema = z.object({
  jid: z.string(),
  subject: z.string(),
  addressingMode: z.enum(['pn', 'lid']),
  owner: z.string().optional(),
  creation: z.number().optional(),
  size: z.number().int(),
  participants: z.array(groupParticipantSchema),
});
export type GroupInfo = z.infer<typeof groupInfoSchema>;
export type GroupParticipant = z.infer<typeof groupParticipantSchema>;

/** What WhatsApp answered for one participant of an add/remove/promote/demote. */
export const PARTICIPANT_OUTCOMES = [
  'done',
  'not-authorized',
  'not-on-whatsapp',
  'not-in-group',
  'already-in-group',
  'recently-left',
  'refused',
] as const;
export type ParticipantOutcome = (typeof PARTICIPANT_OUTCOMES)[number];

const OUTCOME_BY_CODE: Readonly<Record<string, ParticipantOutcome>> = {
  '200': 'done',
  '403': 'not-authorized',
  '404': 'not-on-whatsapp',
  '406': 'not-in-group',
  '408': 'recently-left',
  '409': 'already-in-group',
};

export function participantOutcome(code: string): ParticipantOutcome {
  return OUTCOME_BY_CODE[code] ?? 'refused';
}

export const participantResultSchema = z.object({
  jid: z.string(),
  outcome: z.enum(PARTICIPANT_OUTCOMES),
  /** WhatsApp's own code for this participant (200 when done). */
  code: z.string(),
});
export type ParticipantResult = z.infer<typeof participantResultSchema>;

/** How the host refuses a group operation; the API maps each code to one status. */
export const GROUP_ERROR_CODES = ['GROUP_NOT_FOUND', 'GROUP_FORBIDDEN', 'GROUP_REQUEST_REFUSED'] as const;
export type GroupErrorCode = (typeof GROUP_ERROR_CODES)[number];

/**
 * A WhatsApp refusal code (a Baileys Boom's `data`, or its statusCode) as ours:
 * 404 no such group, 401/403 not a member or not an admin; anything else is a
 * refusal the caller can read (never a 5xx: WhatsApp answered).
 */
export function groupErrorCode(whatsAppCode: number | undefined): GroupErrorCode {
  if (whatsAppCode === 404) return 'GROUP_NOT_FOUND';
  if (whatsAppCode === 401 || whatsAppCode === 403) return 'GROUP_FORBIDDEN';
  return 'GROUP_REQUEST_REFUSED';
}
