import { MAX_UNREAD_PER_CHAT } from '#commons/domain/message-content.ts';

/** Chats with unread messages remembered per session, the least recently active dropped first. */
export const MAX_UNREAD_CHATS = 1_000;

export interface UnreadKey {
  readonly remoteJid: string;
  readonly id: string;
  readonly participant?: string | undefined;
}

/**
 * The messages contacts sent a session that it has not marked read, per chat,
 * so `POST …/chats/{chat}/read` without ids can send read receipts for all
 * of them (zapfleet keeps no message store). A chat is known under both the
 * forms WhatsApp gave (phone-number JID and LID). Bounded, and only as long
 * as the host's session lives.
 */
export class UnreadMessages {
  /** Chat JID → message id → its key; Map order is arrival order. */
  readonly #chats = new Map<string, Map<string, UnreadKey>>();
  /** The other form of a chat's JID → the form its messages are kept under. */
  readonly #aliases = new Map<string, string>();

  note(key: UnreadKey, alt?: string | null): void {
    const chat = this.#aliases.get(key.remoteJid) ?? key.remoteJid;
    if (alt && alt !== chat) this.#aliases.set(alt, chat);
    const messages = this.#chats.get(chat) ?? new Map<string, UnreadKey>();
    this.#chats.delete(chat);
    this.#chats.set(chat, messages);
    messages.set(key.id, key);
    if (messages.size > MAX_UNREAD_PER_CHAT) messages.delete(messages.keys().next().value as string);
    if (this.#chats.size > MAX_UNREAD_CHATS) this.#forget(this.#chats.keys().next().value as string);
  }

  /** Every unread message of the chat (either form), forgotten as it is handed out. */
  take(chat: string): UnreadKey[] {
    const kept = this.#aliases.get(chat) ?? chat;
    const messages = this.#chats.get(kept);
    if (!messages) return [];
    this.#forget(kept);
    return [...messages.values()];
  }

  /** Messages marked read by id: no longer unread. */
  read(chat: string, ids: readonly string[]): void {
    const messages = this.#chats.get(this.#aliases.get(chat) ?? chat);
    for (const id of ids) messages?.delete(id);
  }

  #forget(chat: string): void {
    this.#chats.delete(chat);
    for (const [alias, target] of this.#aliases) if (target === chat) this.#aliases.delete(alias);
  }
}
