/**
 * Who a message may be sent to: a phone number in international format, a
 * user JID (`…@s.whatsapp.net`, or `…@lid` as events name chats that WhatsApp
 * addresses by LID), or a group JID. Status, broadcast and newsletter JIDs are
 * refused until a feature allows them; device JIDs (`user:device@…`) too,
 * since a message goes to a user, never one of its devices.
 */
export type RecipientServer = 's.whatsapp.net' | 'lid' | 'g.us';

export interface Recipient {
  readonly user: string;
  readonly server: RecipientServer;
}

const PHONE = /^\+?([1-9][0-9]{6,14})$/;
const JID = /^([0-9][0-9-]{0,40})@(s\.whatsapp\.net|lid|g\.us)$/;
const USER_BY_SERVER: Record<RecipientServer, RegExp> = {
  's.whatsapp.net': /^[1-9][0-9]{6,14}$/,
  lid: /^[0-9]{1,24}$/,
  'g.us': /^[0-9]{6,20}(?:-[0-9]{6,12})?$/,
};

/** One pattern for OpenAPI and the API schema; `parseRecipient` is the rule. */
export const RECIPIENT_PATTERN =
  /^(?:\+?[1-9][0-9]{6,14}|[1-9][0-9]{6,14}@s\.whatsapp\.net|[0-9]{1,24}@lid|[0-9]{6,20}(?:-[0-9]{6,12})?@g\.us)$/;

export function parseRecipient(input: string): Recipient | undefined {
  const phone = PHONE.exec(input);
  if (phone) return { user: phone[1] as string, server: 's.whatsapp.net' };
  const jid = JID.exec(input);
  if (!jid) return undefined;
  const user = jid[1] as string;
  const server = jid[2] as RecipientServer;
  return USER_BY_SERVER[server].test(user) ? { user, server } : undefined;
}
