import { normalizeMessageContent, proto } from '@whiskeysockets/baileys';

/** A message reference in an event: WhatsApp's id of the message replied to, reacted to, edited or deleted. */
export interface IncomingKindFields {
  readonly kind?: 'reaction' | 'edit' | 'delete' | 'location' | 'contact';
  readonly text?: string;
  readonly quoted?: { readonly messageId: string; readonly participant?: string };
  readonly reaction?: { readonly messageId: string; readonly emoji: string; readonly fromMe: boolean };
  readonly edit?: { readonly messageId: string; readonly text?: string };
  readonly delete?: { readonly messageId: string };
  readonly location?: {
    readonly latitude: number;
    readonly longitude: number;
    readonly name?: string;
    readonly address?: string;
  };
  readonly contact?: { readonly name?: string; readonly vcard: string };
}

const { REVOKE, MESSAGE_EDIT } = proto.Message.ProtocolMessage.Type;

/** The context info of the message's one content field, where WhatsApp puts the quoted id. */
function contextOf(message: proto.IMessage): proto.IContextInfo | undefined {
  for (const value of Object.values(message)) {
    if (value && typeof value === 'object' && 'contextInfo' in value) {
      const info = (value as { contextInfo?: proto.IContextInfo | null }).contextInfo;
      if (info) return info;
    }
  }
  return undefined;
}

function editedText(edited: proto.IMessage | null | undefined): string | undefined {
  const inner = normalizeMessageContent(edited);
  return inner?.conversation ?? inner?.extendedTextMessage?.text ?? undefined;
}

/**
 * What an incoming message adds to its `session:message` event beyond text and
 * media: the quoted id of a reply, or the reaction, edit, deletion, location or
 * contact card it is. `undefined` for a protocol message that is no event
 * (history sync, key shares…).
 */
export function incomingKindFields(wrapped: proto.IMessage): IncomingKindFields | undefined {
  const message = normalizeMessageContent(wrapped) ?? wrapped;
  const protocol = message.protocolMessage;
  if (protocol) {
    const messageId = protocol.key?.id;
    if (!messageId) return undefined;
    if (protocol.type === REVOKE) return { kind: 'delete', delete: { messageId } };
    if (protocol.type === MESSAGE_EDIT) {
      const text = editedText(protocol.editedMessage);
      return { kind: 'edit', edit: { messageId, ...(text !== undefined && { text }) } };
    }
    return undefined;
  }
  if (message.reactionMessage) {
    const { key, text } = message.reactionMessage;
    if (!key?.id) return undefined;
    return {
      kind: 'reaction',
      reaction: { messageId: key.id, emoji: text ?? '', fromMe: Boolean(key.fromMe) },
    };
  }
  const context = contextOf(message);
  const quoted = context?.stanzaId
    ? {
        quoted: {
          messageId: context.stanzaId,
          ...(context.participant && { participant: context.participant }),
        },
      }
    : {};
  if (message.locationMessage) {
    const l = message.locationMessage;
    return {
      kind: 'location',
      location: {
        latitude: l.degreesLatitude ?? 0,
        longitude: l.degreesLongitude ?? 0,
        ...(l.name && { name: l.name }),
        ...(l.address && { address: l.address }),
      },
      ...quoted,
    };
  }
  if (message.contactMessage?.vcard) {
    const c = message.contactMessage;
    return {
      kind: 'contact',
      contact: { vcard: c.vcard as string, ...(c.displayName && { name: c.displayName }) },
      ...quoted,
    };
  }
  return quoted;
}

/** The PN and LID forms of a user, from a JID and its alternative as Baileys gives them. */
export function identityOf(
  jid: string | null | undefined,
  alt: string | null | undefined,
): { readonly pn?: string; readonly lid?: string } {
  const forms = [jid, alt].filter((j): j is string => Boolean(j));
  const pn = forms.find((j) => j.endsWith('@s.whatsapp.net'));
  const lid = forms.find((j) => j.endsWith('@lid'));
  return { ...(pn && { pn }), ...(lid && { lid }) };
}
