/**
 * The event envelope every client receives over the WebSocket and every
 * webhook will receive: versioned, ordered per session by `seq`, identified
 * by `eventId` (stable across redelivery, so consumers can deduplicate).
 */
export const EVENT_VERSION = 1;

export const EVENT_TYPES = [
  'qr',
  'session:status',
  'session:connected',
  'session:disconnected',
  'session:message',
  'session:message-status',
  'session:logged-out',
  'session:error',
  /** Participants of a group were added, removed, promoted or demoted (or changed number). */
  'session:group-participants',
  /** A webhook endpoint was disabled by the dispatcher (410, or failing past the threshold). */
  'webhook:disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface EventEnvelope<D = Record<string, unknown>> {
  readonly v: typeof EVENT_VERSION;
  readonly type: EventType;
  readonly sessionId: string;
  /** Position in the session's event log; gap-free, starts at 1. */
  readonly seq: number;
  readonly eventId: string;
  /** ISO-8601 time the event was recorded. */
  readonly at: string;
  readonly data: D;
  /** Present on state repeated at subscribe time: not a new event, never deduplicate it by seq. */
  readonly snapshot?: true;
  /** Present when `data` was too large to push: fetch the event from `href`. */
  readonly truncated?: true;
  readonly href?: string;
}

/** An event before the log gives it a position. */
export interface NewEvent<D = Record<string, unknown>> {
  readonly type: EventType;
  readonly tenantId: string;
  readonly sessionId: string;
  /** Caller-chosen when the event must keep one id across retries (messages). */
  readonly eventId?: string;
  readonly data: D;
}

/** A reference the client can follow when an event is too large for one WebSocket frame. */
export function truncatedEnvelope(event: EventEnvelope): EventEnvelope {
  return {
    v: event.v,
    type: event.type,
    sessionId: event.sessionId,
    seq: event.seq,
    eventId: event.eventId,
    at: event.at,
    data: {},
    truncated: true,
    href: `/v1/sessions/${encodeURIComponent(event.sessionId)}/events?after=${event.seq - 1}&limit=1`,
  };
}

/** API Gateway's limit is 128 KB per WebSocket message; stay under it with room for framing. */
export const MAX_PUSH_BYTES = 128 * 1024 - 1024;

/**
 * A page of the event log (HTTP or WebSocket replay) holds at most this many
 * bytes of events: well under Lambda's 6 MB response limit (HTTP pages count
 * `responseBytes`). One event is at most 400 KB (DynamoDB's item limit), so a
 * page always has room for one.
 */
export const EVENT_PAGE_MAX_BYTES = 4 * 1024 * 1024;

/** Size of an event as it is sent (JSON, UTF-8). */
export function envelopeBytes(event: EventEnvelope): number {
  return Buffer.byteLength(JSON.stringify(event));
}

/**
 * Size of an event inside a Lambda HTTP response: the body is itself a JSON
 * string there, so every quote and backslash is escaped once more (a text of
 * quotes doubles). Counting this keeps a page under Lambda's 6 MB for any content.
 */
export function responseBytes(event: EventEnvelope): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(event)));
}

/**
 * What to post for an event on the WebSocket, live or replayed: the event
 * itself, or its reference when it would not fit in one message.
 */
export function pushPayload(event: EventEnvelope, maxBytes = MAX_PUSH_BYTES): string {
  const whole = JSON.stringify(event);
  return Buffer.byteLength(whole) <= maxBytes ? whole : JSON.stringify(truncatedEnvelope(event));
}

/**
 * The head of `events` that fits a page of at most `limit` events and
 * `maxBytes` bytes; the first event always fits, so paging makes progress.
 * `more` says whether `events` held anything past the page.
 */
export function boundedPage(
  events: readonly EventEnvelope[],
  limit: number,
  maxBytes: number,
  sizeOf: (event: EventEnvelope) => number = envelopeBytes,
): { readonly events: EventEnvelope[]; readonly more: boolean } {
  const page: EventEnvelope[] = [];
  let bytes = 0;
  for (const event of events) {
    if (page.length >= limit) break;
    const size = sizeOf(event);
    if (page.length > 0 && bytes + size > maxBytes) break;
    page.push(event);
    bytes += size;
  }
  return { events: page, more: page.length < events.length };
}

/** Control messages on the WebSocket that are not session events. */
export type ControlMessage =
  | {
      readonly type: 'subscribed';
      readonly sessionId: string;
      /** The log's end when the subscription started. */
      readonly lastSeq: number;
      /** Events replayed before this message (one bounded page at most). */
      readonly replayed: number;
      /**
       * Present when the replay stopped at its page bound: more events exist
       * up to `lastSeq`; read them with GET /v1/sessions/{id}/events?after={next}.
       */
      readonly more?: true;
      readonly next?: number;
    }
  | { readonly type: 'unsubscribed'; readonly sessionId: string }
  | { readonly type: 'pong'; readonly at: string }
  | {
      readonly type: 'error';
      readonly code: string;
      readonly message: string;
      readonly sessionId?: string;
      readonly requestId?: string;
      /** With RATE_LIMITED: seconds until the request would be accepted. */
      readonly retryAfter?: number;
    };
