import { jidNormalizedUser } from '@whiskeysockets/baileys';
import type { EventData } from '#commons/domain/event-payloads.ts';

/** Baileys' LID ↔ PN mapping store (learned from usync answers and LID-addressed messages). */
export interface LidLookup {
  getPNForLID(lid: string): Promise<string | null>;
  getLIDForPN(pn: string): Promise<string | null>;
}

type StatusData = EventData<'session:message-status'>;

/**
 * Receipts name the chat in one form only (the one the contact's receipt
 * came from): add the other from Baileys' mapping, so a status event names
 * its chat as both PN and LID like a message event. A failed lookup leaves the
 * event as it was; the status still goes out.
 */
export async function withBothForms(lookup: LidLookup, data: StatusData): Promise<StatusData> {
  const chat = data.chat ?? '';
  try {
    if (chat.endsWith('@lid') && !data.chatPn) {
      const pn = await lookup.getPNForLID(chat);
      return pn ? { ...data, chatLid: chat, chatPn: jidNormalizedUser(pn) } : data;
    }
    if (chat.endsWith('@s.whatsapp.net') && !data.chatLid) {
      const lid = await lookup.getLIDForPN(chat);
      return lid ? { ...data, chatPn: chat, chatLid: jidNormalizedUser(lid) } : data;
    }
  } catch {
    return data;
  }
  return data;
}
