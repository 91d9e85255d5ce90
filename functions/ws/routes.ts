import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { canAccessTenant, type Principal, ROLES } from '#commons/auth/principal.ts';
import {
  boundedPage,
  type ControlMessage,
  EVENT_PAGE_MAX_BYTES,
  EVENT_VERSION,
  type EventEnvelope,
  pushPayload,
} from '#commons/domain/events.ts';
import type { SessionRecord } from '#commons/domain/session-record.ts';
import { DEFAULT_REPLAY_RATE } from '#commons/events/dynamodb-connection-store.ts';
import { TOKEN_EXPIRED_NOTICE, tokenExpired } from '#commons/events/fanout-publisher.ts';
import type { ConnectionPoster, ConnectionRecord, ConnectionStore, EventLog } from '#commons/events/ports.ts';
import { REPLAY_RATE_LIMITED_MESSAGE } from '#commons/observability/metric-names.ts';

export type SessionView = Pick<
  SessionRecord,
  'sessionId' | 'tenantId' | 'status' | 'statusReason' | 'qr' | 'me'
>;

export interface SessionReader {
  get(sessionId: string): Promise<SessionView | undefined>;
}

/**
 * Outcome of checking a `$connect` token: the principal and when the token
 * expires (epoch seconds), or the HTTP status that rejects the handshake.
 */
export type TokenCheck =
  | { ok: true; principal: Principal; expiresAt?: number }
  | { ok: false; status: 401 | 403; code: string };

/**
 * Events one subscribe replays at most (and at most EVENT_PAGE_MAX_BYTES of
 * them): the rest is read over HTTP from `next`, which pages and is rate-limited per tenant.
 */
export const REPLAY_PAGE_EVENTS = 200;
/** Subscribes with `after` a connection may make per window (kept on its record, across Lambda instances). */
export const REPLAY_SUBSCRIBES_PER_WINDOW = DEFAULT_REPLAY_RATE.perWindow;
export const REPLAY_WINDOW_SECONDS = DEFAULT_REPLAY_RATE.windowSeconds;

export interface WebSocketDeps {
  readonly checkToken: (token: string | undefined) => Promise<TokenCheck>;
  readonly sessions: SessionReader;
  readonly connections: ConnectionStore;
  readonly events: EventLog;
  readonly poster: ConnectionPoster;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Events replayed per subscribe at most; the client reads on over HTTP from `next`. */
  readonly replayLimit?: number;
}

export interface WsEvent {
  requestContext: { routeKey: string; connectionId: string; requestId?: string };
  body?: string | null;
  queryStringParameters?: Record<string, string | undefined> | null;
}

export interface WsResult {
  statusCode: number;
  body?: string;
}

const subscribeSchema = z.object({
  action: z.literal('subscribe'),
  sessionId: z.string().min(1).max(128),
  after: z.number().int().min(0).optional(),
});
const unsubscribeSchema = z.object({
  action: z.literal('unsubscribe'),
  sessionId: z.string().min(1).max(128),
});

const ok: WsResult = { statusCode: 200 };

/**
 * Every WebSocket route as one plain Lambda handler keyed on
 * `requestContext.routeKey`. Answers go back through PostToConnection, the
 * same channel as events, so a client sees them in order.
 */
export function createWebSocketHandler(deps: WebSocketDeps): (event: WsEvent) => Promise<WsResult> {
  const now = deps.now ?? Date.now;
  const replayLimit = deps.replayLimit ?? REPLAY_PAGE_EVENTS;

  const post = async (connectionId: string, payload: string): Promise<boolean> => {
    const result = await deps.poster.post(connectionId, payload);
    if (result === 'gone') await deps.connections.removeConnection(connectionId);
    return result === 'sent';
  };
  const send = (connectionId: string, message: ControlMessage): Promise<boolean> =>
    post(connectionId, JSON.stringify(message));
  // The same form as live fan-out: an event too large for one message goes as its reference.
  const push = (connectionId: string, event: EventEnvelope): Promise<boolean> =>
    post(connectionId, pushPayload(event));

  const fail = (
    connectionId: string,
    code: string,
    message: string,
    sessionId?: string,
    extra: { retryAfter?: number } = {},
  ): Promise<WsResult> =>
    send(connectionId, {
      type: 'error',
      code,
      message,
      ...(sessionId !== undefined && { sessionId }),
      ...extra,
    }).then(() => ok);

  /**
   * The connection's record, or 'expired' once its token has expired: the
   * client is told why, and the connection is closed and forgotten.
   */
  const activeConnection = async (
    connectionId: string,
  ): Promise<ConnectionRecord | undefined | 'expired'> => {
    const connection = await deps.connections.getConnection(connectionId);
    if (!connection || !tokenExpired(connection.tokenExpiresAt, now())) return connection;
    try {
      await send(connectionId, TOKEN_EXPIRED_NOTICE);
      await deps.poster.close?.(connectionId);
    } finally {
      await deps.connections.removeConnection(connectionId);
    }
    return 'expired';
  };

  const parseBody = (body: string | null | undefined): unknown => {
    try {
      return JSON.parse(body ?? '');
    } catch {
      return undefined;
    }
  };

  /** The session, if this connection's principal may see it; otherwise undefined (never reveals existence). */
  const visibleSession = async (
    connection: ConnectionRecord | undefined,
    sessionId: string,
  ): Promise<SessionView | undefined> => {
    if (!connection) return undefined;
    const session = await deps.sessions.get(sessionId);
    if (!session) return undefined;
    const role = ROLES.find((r) => r === connection.role);
    if (!role || !canAccessTenant({ tenantId: connection.tenantId, role }, session.tenantId))
      return undefined;
    return session;
  };

  const snapshot = (session: SessionView, lastSeq: number): EventEnvelope[] => {
    const at = new Date(now()).toISOString();
    const base = {
      v: EVENT_VERSION,
      sessionId: session.sessionId,
      seq: lastSeq,
      at,
      snapshot: true,
    } as const;
    const out: EventEnvelope[] = [
      {
        ...base,
        type: 'session:status',
        eventId: `snapshot:${randomUUID()}`,
        data: {
          status: session.status,
          ...(session.statusReason && { reason: session.statusReason }),
          ...(session.me && { me: session.me }),
        },
      },
    ];
    if (session.status === 'QR' && session.qr && Date.parse(session.qr.expiresAt) > now()) {
      out.push({
        ...base,
        type: 'qr',
        eventId: `snapshot:${randomUUID()}`,
        data: { qr: session.qr.value, qrSeq: session.qr.seq, expiresAt: session.qr.expiresAt },
      });
    }
    return out;
  };

  const subscribe = async (
    connectionId: string,
    connection: ConnectionRecord | undefined,
    body: unknown,
  ): Promise<WsResult> => {
    const parsed = subscribeSchema.safeParse(body);
    if (!parsed.success)
      return fail(connectionId, 'VALIDATION_FAILED', 'expected {action, sessionId, after?}');
    const { sessionId, after } = parsed.data;
    const session = await visibleSession(connection, sessionId);
    if (!session || !connection) return fail(connectionId, 'SESSION_NOT_FOUND', 'no such session', sessionId);
    if (after !== undefined) {
      const allowance = await deps.connections.takeReplay(connectionId);
      if (!allowance.allowed) {
        deps.logger.warn(
          { connectionId, sessionId, retryAfter: allowance.retryAfter },
          REPLAY_RATE_LIMITED_MESSAGE,
        );
        return fail(
          connectionId,
          'RATE_LIMITED',
          `at most ${REPLAY_SUBSCRIBES_PER_WINDOW} subscribes with "after" per ${REPLAY_WINDOW_SECONDS} s: read the log over HTTP, or subscribe without "after"`,
          sessionId,
          { retryAfter: allowance.retryAfter },
        );
      }
    }
    // Subscribe first: an event logged from now on is pushed live, so replay plus live leaves no gap.
    await deps.connections.subscribe(sessionId, connectionId, connection.tokenExpiresAt);
    // One more than a page tells whether the replay stops short of the log's end.
    const read =
      after === undefined
        ? []
        : await deps.events.after(sessionId, after, replayLimit + 1, { maxBytes: EVENT_PAGE_MAX_BYTES });
    const page = boundedPage(read, replayLimit, EVENT_PAGE_MAX_BYTES);
    const lastReplayed = page.events.at(-1)?.seq;
    const lastSeq = Math.max(lastReplayed ?? 0, await deps.events.lastSeq(sessionId));
    for (const event of page.events) if (!(await push(connectionId, event))) return ok;
    for (const event of snapshot(session, lastSeq)) if (!(await push(connectionId, event))) return ok;
    // Last, so a client knows the replay is complete: live events that raced it arrived before this
    // ack (sort them by seq, drop repeats); from here on they arrive in order.
    await send(connectionId, {
      type: 'subscribed',
      sessionId,
      lastSeq,
      replayed: page.events.length,
      ...(page.more && lastReplayed !== undefined && { more: true, next: lastReplayed }),
    });
    return ok;
  };

  const unsubscribe = async (connectionId: string, body: unknown): Promise<WsResult> => {
    const parsed = unsubscribeSchema.safeParse(body);
    if (!parsed.success) return fail(connectionId, 'VALIDATION_FAILED', 'expected {action, sessionId}');
    await deps.connections.unsubscribe(parsed.data.sessionId, connectionId);
    await send(connectionId, { type: 'unsubscribed', sessionId: parsed.data.sessionId });
    return ok;
  };

  return async (event) => {
    const { routeKey, connectionId } = event.requestContext;
    switch (routeKey) {
      case '$connect': {
        const check = await deps.checkToken(event.queryStringParameters?.token ?? undefined);
        if (!check.ok)
          return { statusCode: check.status, body: JSON.stringify({ error: { code: check.code } }) };
        await deps.connections.putConnection({
          connectionId,
          tenantId: check.principal.tenantId,
          role: check.principal.role,
          subject: check.principal.subject,
          connectedAt: now(),
          tokenExpiresAt: check.expiresAt,
        });
        return ok;
      }
      case '$disconnect':
        await deps.connections.removeConnection(connectionId);
        return ok;
    }
    // Every action after $connect: the token checked there must still be valid.
    const connection = await activeConnection(connectionId);
    if (connection === 'expired') return ok;
    switch (routeKey) {
      case 'subscribe':
        return subscribe(connectionId, connection, parseBody(event.body));
      case 'unsubscribe':
        return unsubscribe(connectionId, parseBody(event.body));
      case 'ping':
        await send(connectionId, { type: 'pong', at: new Date(now()).toISOString() });
        return ok;
      default:
        return fail(connectionId, 'UNKNOWN_ACTION', 'actions: subscribe, unsubscribe, ping');
    }
  };
}

export const WEBSOCKET_ROUTES = ['subscribe', 'unsubscribe', 'ping'] as const;
