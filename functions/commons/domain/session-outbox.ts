import { createHash } from 'node:crypto';

/**
 * Idempotent sends: one row per (session, idempotency key) holding the message
 * id the API minted, written before the host is asked to send. A short send
 * lease makes concurrent repeats of one key forward once.
 */
export interface OutboxEntry {
  readonly sessionId: string;
  readonly idempotencyKey: string;
  readonly messageId: string;
  /**
   * SHA-256 (hex) of the request the key was first used for (see requestDigest).
   * Absent on rows written before digests existed; those are not compared.
   */
  readonly requestDigest?: string | undefined;
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

/** What a send asks for; the digest covers exactly these fields. */
export interface OutboxRequest {
  readonly to: string;
  readonly text: string;
}

/**
 * A digest of the canonical form of a send: a version tag and the fields in a
 * fixed order, JSON-encoded so no separator inside `to` or `text` can make two
 * different requests collide.
 */
export function requestDigest(request: OutboxRequest): string {
  const canonical = JSON.stringify(['send-v1', request.to, 'text', request.text]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** True when a stored row may serve `digest`: same request, or a row written before digests existed. */
export function matchesRequest(entry: OutboxEntry, digest: string): boolean {
  return entry.requestDigest === undefined || entry.requestDigest === digest;
}

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
