/**
 * Idempotent sends: one row per (session, idempotency key) holding the message
 * id the API minted, written before the host is asked to send. A short send
 * lease makes concurrent repeats of one key forward once.
 */
export interface OutboxEntry {
  readonly sessionId: string;
  readonly idempotencyKey: string;
  readonly messageId: string;
  readonly tenantId: string;
  readonly createdAt: string;
  /** Epoch seconds; rows are kept 24 h. */
  readonly expiresAt: number;
  /** Epoch ms until which one request holds the right to forward. */
  readonly leaseUntil?: number | undefined;
  readonly sentAt?: string | undefined;
  readonly status?: string | undefined;
}

export const OUTBOX_RETENTION_SECONDS = 24 * 60 * 60;

export interface SessionOutbox {
  /** Stores `entry` unless a live row with the same key exists; returns whichever row holds the key. */
  reserve(entry: OutboxEntry, now: Date): Promise<{ readonly created: boolean; readonly entry: OutboxEntry }>;
  get(sessionId: string, idempotencyKey: string): Promise<OutboxEntry | undefined>;
  /** Takes the send lease if the row is unsent and no other request holds an unexpired lease. */
  acquireLease(sessionId: string, idempotencyKey: string, leaseUntil: number, now: Date): Promise<boolean>;
  /** Gives the lease up after a send that certainly did not happen. */
  releaseLease(sessionId: string, idempotencyKey: string): Promise<void>;
  markSent(sessionId: string, idempotencyKey: string, status: string, now: Date): Promise<void>;
}
