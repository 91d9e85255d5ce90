import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { canAccessTenant, type Principal, ROLES } from '#commons/auth/principal.ts';
import { type ControlMessage, EVENT_VERSION, type EventEnvelope } from '#commons/domain/events.ts';
import type { SessionRecord } from '#commons/domain/session-record.ts';
import type { ConnectionPoster, ConnectionStore, EventLog } from '#commons/events/ports.ts';

export type SessionView = Pick<
  SessionRecord,
  'sessionId' | 'tenantId' | 'status' | 'statusReason' | 'qr' | 'me'
>;

export interface SessionReader {
  get(sessionId: string): Promise<SessionView | undefined>;
}

/** Outcome of checking a `$connect` token: the principal, or the HTTP status that rejects the handshake. */
export type TokenCheck = { ok: true; principal: Principal } | { ok: false; status: 401 | 403; code: string };

export interface WebSocketDeps {
  readonly checkToken: (token: string | undefined) => Promise<TokenCheck>;
  readonly sessions: SessionReader;
  readonly connections: ConnectionStore;
  readonly events: EventLog;
  readonly poster: ConnectionPoster;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Events replayed per subscribe at most; a client asks again with the last seq it got. */
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
  const replayLimit = deps.replayLimit ?? 1000;

  const send = async (connectionId: string, message: ControlMessage | EventEnvelope): Promise<boolean> => {
    const result = await deps.poster.post(connectionId, JSON.stringify(message));
    if (result === 'gone') await deps.connections.removeConnection(connectionId);
    return result === 'sent';
  };

  const fail = (connectionId: string, code: string, message: string, sessionId?: string): Promise<WsResult> =>
    send(connectionId, { type: 'error', code, message, ...(sessionId !== undefined && { sessionId }) }).then(
      () => ok,
    );

  const parseBody = (body: string | null | undefined): unknown => {
    try {
      return JSON.parse(body ?? '');
    } catch {
      return undefined;
    }
  };

  /** The session, if this connection's principal may see it; otherwise undefined (never reveals existence). */
  const visibleSession = async (
    connectionId: string,
    sessionId: string,
  ): Promise<SessionView | undefined> => {
    const connection = await deps.connections.getConnection(connectionId);
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

  const subscribe = async (connectionId: string, body: unknown): Promise<WsResult> => {
    const parsed = subscribeSchema.safeParse(body);
    if (!parsed.success)
      return fail(connectionId, 'VALIDATION_FAILED', 'expected {action, sessionId, after?}');
    const { sessionId, after } = parsed.data;
    const session = await visibleSession(connectionId, sessionId);
    if (!session) return fail(connectionId, 'SESSION_NOT_FOUND', 'no such session', sessionId);
    // Subscribe first: an event logged from now on is pushed live, so replay plus live leaves no gap.
    await deps.connections.subscribe(sessionId, connectionId);
    const missed = after === undefined ? [] : await deps.events.after(sessionId, after, replayLimit);
    const lastSeq = Math.max(missed.at(-1)?.seq ?? 0, await deps.events.lastSeq(sessionId));
    for (const event of missed) if (!(await send(connectionId, event))) return ok;
    for (const event of snapshot(session, lastSeq)) if (!(await send(connectionId, event))) return ok;
    // Last, so a client knows the replay is complete: live events that raced it arrived before this
    // ack (sort them by seq, drop repeats); from here on they arrive in order.
    await send(connectionId, { type: 'subscribed', sessionId, lastSeq, replayed: missed.length });
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
        });
        return ok;
      }
      case '$disconnect':
        await deps.connections.removeConnection(connectionId);
        return ok;
      case 'subscribe':
        return subscribe(connectionId, parseBody(event.body));
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
