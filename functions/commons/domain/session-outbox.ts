/**
 * Idempotent sends: one row per (session, idempotency key) holding the message
 * id the API minted, written before the host is asked to send.
 */
export interface OutboxEntry {
  readonly sessionId: string;
  readonly idempotencyKey: string;
  readonly messageId: string;
  readonly tenantId: string;
  readonly createdAt: string;
  /** Epoch seconds; rows are kept 24 h. */
  readonly expiresAt: number;
  readonly sentAt?: string | undefined;
  readonly status?: string | undefined;
}

export const OUTBOX_RETENTION_SECONDS = 24 * 60 * 60;

export interface SessionOutbox {
  /** Stores `entry` unless a live row with the same key exists; returns whichever row holds the key. */
  reserve(entry: OutboxEntry, now: Date): Promise<{ readonly created: boolean; readonly entry: OutboxEntry }>;
  markSent(sessionId: string, idempotencyKey: string, status: string, now: Date): Promise<void>;
}
