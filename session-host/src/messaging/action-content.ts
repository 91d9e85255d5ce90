import type { AnyMessageContent, proto, WAMessage } from '@whiskeysockets/baileys';
import { contactVcard, type MessageAction, type QuotedMessage } from '#commons/domain/message-content.ts';

/** The key of a message in chat `jid`; `participant` only names a group member. */
function keyOf(
  jid: string,
  target: { readonly messageId: string; readonly fromMe?: boolean; readonly participant?: string },
): proto.IMessageKey {
  return {
    remoteJid: jid,
    id: target.messageId,
    fromMe: target.fromMe ?? false,
    ...(target.participant && { participant: target.participant }),
  };
}

/** What Baileys sends for an action to chat `jid`. Edits and deletions are of the session's own messages only. */
export function actionContent(jid: string, action: MessageAction): AnyMessageContent {
  switch (action.type) {
    case 'location':
      return {
        location: {
          degreesLatitude: action.latitude,
          degreesLongitude: action.longitude,
          ...(action.name && { name: action.name }),
          ...(action.address && { address: action.address }),
        },
      };
    case 'contact':
      return {
        contacts: {
          displayName: action.name,
          contacts: [{ displayName: action.name, vcard: contactVcard(action) }],
        },
      };
    case 'reaction':
      return { react: { text: action.emoji, key: keyOf(jid, action) } };
    case 'edit':
      return { edit: keyOf(jid, { messageId: action.messageId, fromMe: true }), text: action.text };
    case 'delete':
      return { delete: keyOf(jid, { messageId: action.messageId, fromMe: true }) };
  }
}

/**
 * The quoted message as Baileys' `quoted` option wants it. zapfleet keeps no
 * message store, so the quote bubble shows the text the caller gave (or none);
 * WhatsApp links the reply by `stanzaId`, which is the id given.
 */
export function quotedMessage(jid: string, quoted: QuotedMessage): WAMessage {
  return {
    key: keyOf(jid, quoted),
    message: { conversation: quoted.text ?? '' },
    ...(quoted.participant && { participant: quoted.participant }),
  };
}

/** Edits and deletions for everyone name a message by id; these must be the session's own. */
export function ownMessageTarget(action: MessageAction | undefined): string | undefined {
  return action?.type === 'edit' || action?.type === 'delete' ? action.messageId : undefined;
}
