import { createHash } from 'node:crypto';
import { type WAMessage, WAMessageStubType } from '@whiskeysockets/baileys';
import type { EventData } from '#commons/domain/event-payloads.ts';
import type { GroupAction } from '#commons/domain/groups.ts';

/** Baileys turns each `w:gp2` participant notification into a stub message of one of these types. */
const ACTION_BY_STUB: ReadonlyMap<number, GroupAction> = new Map([
  [WAMessageStubType.GROUP_PARTICIPANT_ADD, 'add'],
  [WAMessageStubType.GROUP_PARTICIPANT_INVITE, 'add'],
  [WAMessageStubType.GROUP_PARTICIPANT_ADD_REQUEST_JOIN, 'add'],
  [WAMessageStubType.GROUP_PARTICIPANT_REMOVE, 'remove'],
  [WAMessageStubType.GROUP_PARTICIPANT_LEAVE, 'leave'],
  [WAMessageStubType.GROUP_PARTICIPANT_PROMOTE, 'promote'],
  [WAMessageStubType.GROUP_PARTICIPANT_DEMOTE, 'demote'],
  [WAMessageStubType.GROUP_PARTICIPANT_CHANGE_NUMBER, 'modify'],
]);

type Participant = EventData<'session:group-participants'>['participants'][number];

function participantOf(parameter: string): Participant | undefined {
  try {
    const parsed = JSON.parse(parameter) as { id?: unknown; phoneNumber?: unknown; lid?: unknown };
    if (typeof parsed.id !== 'string') return undefined;
    return {
      jid: parsed.id,
      ...(typeof parsed.phoneNumber === 'string' && { phoneNumberJid: parsed.phoneNumber }),
      ...(typeof parsed.lid === 'string' && { lid: parsed.lid }),
    };
  } catch {
    // A number change carries bare JIDs rather than JSON.
    return parameter.includes('@') ? { jid: parameter } : undefined;
  }
}

/**
 * A participant notification as its event, with one id per notification
 * (WhatsApp's notification id), so a notification delivered again after a
 * reconnect is the same event. Undefined for anything else.
 */
export function participantsEvent(
  sessionId: string,
  msg: WAMessage,
): { eventId: string; data: EventData<'session:group-participants'> } | undefined {
  const action = msg.messageStubType ? ACTION_BY_STUB.get(msg.messageStubType) : undefined;
  const group = msg.key.remoteJid;
  if (!action || !group?.endsWith('@g.us') || !msg.key.id) return undefined;
  const participants: Participant[] = [];
  for (const parameter of msg.messageStubParameters ?? []) {
    const participant = participantOf(parameter);
    if (participant) participants.push(participant);
  }
  const actor = msg.key.participant ?? msg.participant ?? undefined;
  const material = [sessionId, group, msg.key.id].join('\u0000');
  return {
    eventId: `grp_${createHash('sha256').update(material).digest('hex').slice(0, 32)}`,
    data: { group, action, participants, ...(actor && { actor }) },
  };
}
