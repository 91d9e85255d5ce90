import type { Logger } from 'pino';
import { canAccessTenant, type Principal, ROLES } from '#commons/auth/principal.ts';
import { type ControlMessage, type EventEnvelope, pushPayload } from '#commons/domain/events.ts';
import type { SessionRecord } from '#commons/domain/session-record.ts';
import { TOKEN_EXPIRED_NOTICE, tokenExpired } from '#commons/events/fanout-publisher.ts';
import type { ConnectionPoster, ConnectionRecord, ConnectionStore, EventLog } from '#commons/events/ports.ts';
import type { WsLimits } from './ws-limits.ts';

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
  /** Connection and subscription caps and the per-tenant action rate; none without them. */
  readonly limits?: WsLimits;
}

export interface WsEvent {
  requestContext: { routeKey: string; connectionId: string; requestId?: string };
  body?: string | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  headers?: Record<string, string | undefined> | null;
}

export interface WsResult {
  statusCode: number;
  body?: string;
  headers?: Record<string, string>;
}

export const ok: WsResult = { statusCode: 200 };

/** What every route module uses: its dependencies and the answer channel back to the connection. */
export interface RouteContext {
  readonly deps: WebSocketDeps;
  readonly now: () => number;
  /** Posts a control message; false once the connection is gone (and then forgotten). */
  send(connectionId: string, message: ControlMessage): Promise<boolean>;
  /** Pushes an event in the same form as live fan-out: one too large goes as its reference. */
  push(connectionId: string, event: EventEnvelope): Promise<boolean>;
  /** Answers an action with an error message on the connection; the route itself succeeds. */
  fail(
    connectionId: string,
    code: string,
    message: string,
    sessionId?: string,
    extra?: { retryAfter?: number },
  ): Promise<WsResult>;
}

/** A route after `$connect`: the connection's record (if any) and the action's parsed body. */
export type ActionRoute = (
  ctx: RouteContext,
  connectionId: string,
  connection: ConnectionRecord | undefined,
  body: unknown,
) => Promise<WsResult>;

export function createRouteContext(deps: WebSocketDeps): RouteContext {
  const post = async (connectionId: string, payload: string): Promise<boolean> => {
    const result = await deps.poster.post(connectionId, payload);
    if (result === 'gone') await deps.connections.removeConnection(connectionId);
    return result === 'sent';
  };
  const send = (connectionId: string, message: ControlMessage) => post(connectionId, JSON.stringify(message));
  return {
    deps,
    now: deps.now ?? Date.now,
    send,
    push: (connectionId, event) => post(connectionId, pushPayload(event)),
    fail: (connectionId, code, message, sessionId, extra = {}) =>
      send(connectionId, {
        type: 'error',
        code,
        message,
        ...(sessionId !== undefined && { sessionId }),
        ...extra,
      }).then(() => ok),
  };
}

/**
 * The connection's record, or 'expired' once its token has expired: the
 * client is told why, and the connection is closed and forgotten.
 */
export async function activeConnection(
  ctx: RouteContext,
  connectionId: string,
): Promise<ConnectionRecord | undefined | 'expired'> {
  const { connections, poster } = ctx.deps;
  const connection = await connections.getConnection(connectionId);
  if (!connection || !tokenExpired(connection.tokenExpiresAt, ctx.now())) return connection;
  try {
    await ctx.send(connectionId, TOKEN_EXPIRED_NOTICE);
    await poster.close?.(connectionId);
  } finally {
    await connections.removeConnection(connectionId);
  }
  return 'expired';
}

/** The session, if this connection's principal may see it; otherwise undefined (never reveals existence). */
export async function visibleSession(
  ctx: RouteContext,
  connection: ConnectionRecord | undefined,
  sessionId: string,
): Promise<SessionView | undefined> {
  if (!connection) return undefined;
  const session = await ctx.deps.sessions.get(sessionId);
  if (!session) return undefined;
  const role = ROLES.find((r) => r === connection.role);
  if (!role || !canAccessTenant({ tenantId: connection.tenantId, role }, session.tenantId)) return undefined;
  return session;
}
