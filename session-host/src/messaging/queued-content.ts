import type { QueuedMessage } from '#commons/domain/session-outbox.ts';
import type { OutgoingMessage } from '../runtime/send-text.ts';

/** A queued row as the session sends it: its one content field, and the quote of a reply. */
export function queuedContent(row: QueuedMessage): OutgoingMessage {
  const base = { to: row.to, messageId: row.messageId, ...(row.quoted && { quoted: row.quoted }) };
  if (row.action) return { to: row.to, messageId: row.messageId, action: row.action };
  if (row.media) return { ...base, media: row.media };
  return { ...base, text: row.text ?? '' };
}
