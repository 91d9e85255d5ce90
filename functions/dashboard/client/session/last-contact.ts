import type { SessionEvent } from './types.ts';

/** The chat of the newest message a contact sent, as the send form's default recipient. */
export function lastContactChat(newestFirst: readonly SessionEvent[]): string | undefined {
  for (const event of newestFirst) {
    if (event.type !== 'session:message' || event.data.fromMe === true) continue;
    if (typeof event.data.chat === 'string') return event.data.chat;
  }
  return undefined;
}
