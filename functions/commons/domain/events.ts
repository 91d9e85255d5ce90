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

/** Control messages on the WebSocket that are not session events. */
export type ControlMessage =
  | {
      readonly type: 'subscribed';
      readonly sessionId: string;
      readonly lastSeq: number;
      readonly replayed: number;
    }
  | { readonly type: 'unsubscribed'; readonly sessionId: string }
  | { readonly type: 'pong'; readonly at: string }
  | {
      readonly type: 'error';
      readonly code: string;
      readonly message: string;
      readonly sessionId?: string;
      readonly requestId?: string;
    };
