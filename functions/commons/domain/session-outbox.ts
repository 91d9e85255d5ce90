import { createHash } from 'node:crypto';
import type { OutgoingMedia } from './media.ts';
import { actionFields, type MessageAction, type QuotedMessage, quotedFields } from './message-content.ts';
import { parseRecipient } from './recipient.ts';

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
  /** Rows of the send queue only (see QueuedMessage); a sync send's row has none. */
  readonly state?: OutboxState | undefined;
}

export const OUTBOX_RETENTION_SECONDS = 24 * 60 * 60;

/** The fields every outbox row starts with, queued or sent at once: the key, the minted id, the request's digest. */
export function newOutboxEntry(
  request: OutboxRequest & {
    readonly sessionId: string;
    readonly tenantId: string;
    readonly idempotencyKey?: string | undefined;
    readonly messageId: string;
  },
  now: Date,
): OutboxEntry {
  return {
    sessionId: request.sessionId,
    idempotencyKey: request.idempotencyKey ?? request.messageId,
    messageId: request.messageId,
    requestDigest: requestDigest(request),
    tenantId: request.tenantId,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + OUTBOX_RETENTION_SECONDS,
  };
}

/** What a send asks for (exactly one of text, media and action); the digest covers exactly these fields. */
export interface OutboxRequest {
  readonly to: string;
  readonly text?: string | undefined;
  readonly media?: OutgoingMedia | undefined;
  readonly action?: MessageAction | undefined;
  readonly quoted?: QuotedMessage | undefined;
}

/**
 * A digest of the canonical form of a send: a version tag and the fields in a
 * fixed order, JSON-encoded so no separator inside `to` or `text` can make two
 * different requests collide. A text send keeps the form it had before media
 * existed, so rows written then still match their repeats.
 */
export function requestDigest(request: OutboxRequest): string {
  // The recipient as WhatsApp sees it: "+4915…", "4915…" and "4915…@s.whatsapp.net" are one request.
  const recipient = parseRecipient(request.to);
  const to = recipient ? `${recipient.user}@${recipient.server}` : request.to;
  const content = request.action
    ? ['send-v1', to, 'action', ...actionFields(request.action)]
    : request.media
      ? ['send-v1', to, 'media', ...mediaFields(request.media)]
      : ['send-v1', to, 'text', request.text];
  // Appended only when present, so sends without a quote keep their earlier digest.
  const quoted = request.quoted ? ['quoted', ...quotedFields(request.quoted)] : [];
  const canonical = JSON.stringify([...content, ...quoted]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Every field of a media send in a fixed order, absent ones as null (so a missing field never shifts another). */
function mediaFields(media: OutgoingMedia): readonly (string | boolean | null)[] {
  const source = 'mediaId' in media.source ? ['mediaId', media.source.mediaId] : ['url', media.source.url];
  return [
    media.kind,
    ...source,
    media.mimetype ?? null,
    media.caption ?? null,
    media.fileName ?? null,
    media.ptt ?? null,
  ];
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
  /** `sent`: the content as sent, kept for a resend by a later owner (see SentContents). */
  markSent(
    sessionId: string,
    idempotencyKey: string,
    status: string,
    now: Date,
    sent?: { readonly messageId: string; readonly content: Uint8Array },
  ): Promise<void>;
}

/** Where a queued message is: QUEUED until a host claims it, SENDING while one writes it, then SENT or FAILED. */
export type OutboxState = 'QUEUED' | 'SENDING' | 'SENT' | 'FAILED';

/** A message accepted for the send queue (202): what to send and its place in the session's queue. */
export interface QueuedMessage extends OutboxEntry {
  readonly to: string;
  /** Exactly one of text, media and action. */
  readonly text?: string | undefined;
  readonly media?: OutgoingMedia | undefined;
  readonly action?: MessageAction | undefined;
  readonly quoted?: QuotedMessage | undefined;
  /**
   * Sort key of the session's queue index (`byQueue`); present only while the
   * message waits or is being sent, so the index holds exactly the pending rows.
   */
  readonly queueKey?: string | undefined;
  readonly state: OutboxState;
  /** The owner epoch of the host that last marked it SENDING (the fence of the SENT mark). */
  readonly sendingEpoch?: number | undefined;
  readonly failure?: { readonly code: string; readonly message: string } | undefined;
}

/**
 * Orders a session's queue by acceptance time, then by message id for
 * messages accepted in the same millisecond. Pure.
 */
export function queueKeyFor(acceptedAt: Date, messageId: string): string {
  return `${String(acceptedAt.getTime()).padStart(15, '0')}#${messageId}`;
}

/** The id of a message's status event: each status is appended once per message, whichever host tells it. */
export function messageStatusEventId(messageId: string, status: OutboxState): string {
  return `out_${messageId}_${status}`;
}

/** The outcome of a fenced mark: done, the row is already past it, or a newer owner holds it. */
export type MarkOutcome = 'marked' | 'finished' | 'fenced';

/** The durable send queue (202 path): the API appends, the owning host drains in queue order. */
export interface SendQueue {
  /**
   * Stores `message` (state QUEUED) unless its key holds a live row, which is returned;
   * refuses with `full` when the session already has `limit` pending messages.
   */
  enqueue(
    message: QueuedMessage,
    limit: number,
    now: Date,
  ): Promise<
    { readonly kind: 'created' | 'existing'; readonly entry: OutboxEntry } | { readonly kind: 'full' }
  >;
  /** The session's pending (QUEUED or SENDING) messages, oldest first, at most `limit`. */
  pending(sessionId: string, limit: number): Promise<readonly QueuedMessage[]>;
  /** SENDING under `epoch`, unless the row is finished or a newer epoch marked it. */
  markSending(message: QueuedMessage, epoch: number): Promise<MarkOutcome>;
  /**
   * SENT or FAILED, only while the row is still SENDING under `epoch`; leaves the queue index.
   * A SENT row keeps `content` (the encoded message as sent) for a resend by any later owner.
   */
  markDone(
    message: QueuedMessage,
    epoch: number,
    outcome:
      | { readonly state: 'SENT'; readonly content?: Uint8Array | undefined }
      | { readonly state: 'FAILED'; readonly code: string; readonly message: string },
    now: Date,
  ): Promise<MarkOutcome>;
  /** FAILED whatever its epoch, while still pending: the session can never send it (logged out). */
  failPending(
    message: QueuedMessage,
    failure: { readonly code: string; readonly message: string },
    now: Date,
  ): Promise<MarkOutcome>;
}

/**
 * The encoded content of a message a session sent (stored with its SENT row),
 * by WhatsApp message id. A contact whose device could not decrypt the message
 * asks for it again, often of the host that took the session over since: that
 * host never held the message in memory.
 */
export interface SentContents {
  findSent(sessionId: string, messageId: string): Promise<Uint8Array | undefined>;
}

/**
 * Content larger than this is not kept for a resend (a DynamoDB item holds
 * 400 KB; text, captions and media references are far smaller).
 */
export const MAX_SENT_CONTENT_BYTES = 64 * 1024;
