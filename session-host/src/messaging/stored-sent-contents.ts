import { proto } from '@whiskeysockets/baileys';
import { MAX_SENT_CONTENT_BYTES, type SentContents } from '#commons/domain/session-outbox.ts';

/**
 * Reads of stored sent content in flight on one host. Each is one DynamoDB
 * query a contact's retry receipt causes; past the bound a request to send
 * again is answered from memory only (and counted: resendStoreFailures).
 */
export const MAX_SENT_LOOKUPS_IN_FLIGHT = 16;

/** The content as sent, encoded to keep with its SENT row; undefined when too large to keep. */
export function encodeSentContent(message: proto.IMessage | undefined): Uint8Array | undefined {
  if (!message) return undefined;
  const bytes = proto.Message.encode(message).finish();
  return bytes.byteLength <= MAX_SENT_CONTENT_BYTES ? bytes : undefined;
}

export interface StoredSentContentsCounts {
  /** Found in storage (the host did not hold it). */
  found(): void;
  /** The read failed, or the bound was full: the resend is not possible now. */
  failed(): void;
}

/**
 * The host's second place to look when a contact asks for a message again:
 * the content its SENT row keeps, written by whichever host sent it. A host
 * that took a session over holds none of its predecessor's sends in memory,
 * and a contact's retry receipt most often comes just then (WhatsApp delivers
 * an unacked one again on the new owner's connection).
 */
export class StoredSentContents {
  #inFlight = 0;

  constructor(
    private readonly store: SentContents,
    private readonly counts: StoredSentContentsCounts,
  ) {}

  async find(sessionId: string, messageId: string): Promise<proto.IMessage | undefined> {
    if (this.#inFlight >= MAX_SENT_LOOKUPS_IN_FLIGHT) {
      this.counts.failed();
      return undefined;
    }
    this.#inFlight++;
    try {
      const bytes = await this.store.findSent(sessionId, messageId);
      if (!bytes) return undefined;
      const message = proto.Message.decode(bytes);
      this.counts.found();
      return message;
    } catch {
      // The contact asks again (up to 5 times, as phones do); the SDK already retried the read.
      this.counts.failed();
      return undefined;
    } finally {
      this.#inFlight--;
    }
  }

  get inFlight(): number {
    return this.#inFlight;
  }
}

/** The host's reader, counted on its metrics. */
export function storedSentContents(
  store: SentContents,
  metrics: { readonly resendsFromStore: { inc(): void }; readonly resendStoreFailures: { inc(): void } },
): StoredSentContents {
  return new StoredSentContents(store, {
    found: () => metrics.resendsFromStore.inc(),
    failed: () => metrics.resendStoreFailures.inc(),
  });
}
