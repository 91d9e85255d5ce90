import { ResendContents } from './resend-contents.ts';
import { UnreadMessages } from './unread-messages.ts';

/** Ids of messages contacts sent that a session remembers, to refuse edits and deletions of them. */
export const MAX_RECEIVED_IDS = 10_000;

/**
 * The ids a session sent recently (the set itself: a repeated send is not sent
 * twice) and, beside them, the ids of messages contacts sent it: an edit or a
 * delete-for-everyone may only name the session's own messages. Both are
 * bounded and live only as long as the host's session, so an id the host
 * never saw is not refused here (WhatsApp ignores it).
 */
export class MessageIds extends Set<string> {
  readonly #received = new Set<string>();
  /** What contacts sent that the session has not marked read, for a read of a whole chat. */
  readonly unread = new UnreadMessages();
  /** What the session sent, for a contact that asks for a message again. */
  readonly contents = new ResendContents();

  noteReceived(id: string): void {
    this.#received.add(id);
    if (this.#received.size > MAX_RECEIVED_IDS)
      this.#received.delete(this.#received.values().next().value as string);
  }

  isReceived(id: string): boolean {
    return this.#received.has(id) && !this.has(id);
  }
}

/** An edit or delete-for-everyone of a message a contact sent (422 NOT_OWN_MESSAGE). */
export class NotOwnMessageError extends Error {
  override readonly name = 'NotOwnMessageError';
  readonly code = 'NOT_OWN_MESSAGE';
}
