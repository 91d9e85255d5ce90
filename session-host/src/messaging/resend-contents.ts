import type { proto } from '@whiskeysockets/baileys';

/**
 * Sent messages a session keeps to encrypt again when a contact's device
 * could not decrypt one and asks for it (`<receipt type=retry>`). Baileys
 * keeps its own copy per socket; this one outlives a reconnect, which is when
 * a contact most often asks (the keys moved on while the socket was away).
 * Contacts ask within seconds, so a short list per session is enough.
 */
export const RESEND_CONTENTS_PER_SESSION = 64;

export class ResendContents {
  private readonly contents = new Map<string, proto.IMessage>();

  remember(id: string, message: proto.IMessage): void {
    this.contents.delete(id);
    this.contents.set(id, message);
    if (this.contents.size > RESEND_CONTENTS_PER_SESSION)
      this.contents.delete(this.contents.keys().next().value as string);
  }

  /** The content sent under `id`, or undefined when it aged out (the resend is then not possible). */
  find(id: string | null | undefined): proto.IMessage | undefined {
    return id ? this.contents.get(id) : undefined;
  }

  get size(): number {
    return this.contents.size;
  }
}
