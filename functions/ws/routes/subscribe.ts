import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { qrEventData, statusEventData } from '#commons/domain/event-payloads.ts';
import {
  boundedPage,
  EVENT_PAGE_MAX_BYTES,
  EVENT_VERSION,
  type EventEnvelope,
} from '#commons/domain/events.ts';
import { DEFAULT_REPLAY_RATE } from '#commons/events/dynamodb-connection-store.ts';
import type { ConnectionRecord } from '#commons/events/ports.ts';
import { LIMIT_REFUSED_MESSAGE, LIMITS } from '#commons/observability/limit-metrics.ts';
import { REPLAY_RATE_LIMITED_MESSAGE } from '#commons/observability/metric-names.ts';
import {
  type ActionRoute,
  ok,
  type RouteContext,
  type SessionView,
  visibleSession,
  type WsResult,
} from '../route-context.ts';

/**
 * Events one subscribe replays at most (and at most EVENT_PAGE_MAX_BYTES of
 * them): the rest is read over HTTP from `next`, which pages and is rate-limited per tenant.
 */
export const REPLAY_PAGE_EVENTS = 200;
/** Subscribes with `after` a connection may make per window (kept on its record, across Lambda instances). */
export const REPLAY_SUBSCRIBES_PER_WINDOW = DEFAULT_REPLAY_RATE.perWindow;
export const REPLAY_WINDOW_SECONDS = DEFAULT_REPLAY_RATE.windowSeconds;

const subscribeSchema = z.object({
  action: z.literal('subscribe'),
  sessionId: z.string().min(1).max(128),
  after: z.number().int().min(0).optional(),
});

/** The session's current status (and live QR) as snapshot events, sent after any replay. */
function snapshot(session: SessionView, lastSeq: number, nowMs: number): EventEnvelope[] {
  const base = {
    v: EVENT_VERSION,
    sessionId: session.sessionId,
    seq: lastSeq,
    at: new Date(nowMs).toISOString(),
    snapshot: true,
  } as const;
  const out: EventEnvelope[] = [
    {
      ...base,
      type: 'session:status',
      eventId: `snapshot:${randomUUID()}`,
      data: statusEventData(session, session.me),
    },
  ];
  if (session.status === 'QR' && session.qr && Date.parse(session.qr.expiresAt) > nowMs) {
    out.push({
      ...base,
      type: 'qr',
      eventId: `snapshot:${randomUUID()}`,
      data: qrEventData(session.qr),
    });
  }
  return out;
}

/** A replay refused by the per-connection rate: the answer to send, or undefined when allowed. */
async function refuseReplay(
  ctx: RouteContext,
  connectionId: string,
  sessionId: string,
): Promise<WsResult | undefined> {
  const allowance = await ctx.deps.connections.takeReplay(connectionId);
  if (allowance.allowed) return undefined;
  ctx.deps.logger.warn(
    { connectionId, sessionId, retryAfter: allowance.retryAfter },
    REPLAY_RATE_LIMITED_MESSAGE,
  );
  return ctx.fail(
    connectionId,
    'RATE_LIMITED',
    `at most ${REPLAY_SUBSCRIBES_PER_WINDOW} subscribes with "after" per ${REPLAY_WINDOW_SECONDS} s: read the log over HTTP, or subscribe without "after"`,
    sessionId,
    { retryAfter: allowance.retryAfter },
  );
}

/** A new subscription past the connection's cap (a repeat of one it holds is not new). */
async function refuseSubscription(
  ctx: RouteContext,
  connectionId: string,
  connection: ConnectionRecord,
  sessionId: string,
): Promise<WsResult | undefined> {
  const limits = ctx.deps.limits;
  if (!limits) return undefined;
  const max = limits.maxSubscriptionsPerConnection;
  const held = await limits.usage.subscribedSessions(connectionId, max);
  if (held.length < max || held.includes(sessionId)) return undefined;
  ctx.deps.logger.warn(
    { limit: LIMITS.subscriptionsPerConnection, tenantId: connection.tenantId, connectionId, max },
    LIMIT_REFUSED_MESSAGE,
  );
  return ctx.fail(
    connectionId,
    'SUBSCRIPTION_LIMIT',
    `at most ${max} subscriptions per connection`,
    sessionId,
  );
}

/** Subscribes, replays one bounded page after `after`, sends the snapshot, then acknowledges. */
async function subscribeAndReplay(
  ctx: RouteContext,
  connectionId: string,
  connection: ConnectionRecord,
  session: SessionView,
  after: number | undefined,
): Promise<WsResult> {
  const { connections, events } = ctx.deps;
  const { sessionId } = session;
  const replayLimit = ctx.deps.replayLimit ?? REPLAY_PAGE_EVENTS;
  // Subscribe first: an event logged from now on is pushed live, so replay plus live leaves no gap.
  await connections.subscribe(sessionId, connectionId, connection.tokenExpiresAt);
  // One more than a page tells whether the replay stops short of the log's end.
  const read =
    after === undefined
      ? []
      : await events.after(sessionId, after, replayLimit + 1, { maxBytes: EVENT_PAGE_MAX_BYTES });
  const page = boundedPage(read, replayLimit, EVENT_PAGE_MAX_BYTES);
  const lastReplayed = page.events.at(-1)?.seq;
  const lastSeq = Math.max(lastReplayed ?? 0, await events.lastSeq(sessionId));
  for (const event of page.events) if (!(await ctx.push(connectionId, event))) return ok;
  for (const event of snapshot(session, lastSeq, ctx.now()))
    if (!(await ctx.push(connectionId, event))) return ok;
  // Last, so a client knows the replay is complete: live events that raced it arrived before this
  // ack (sort them by seq, drop repeats); from here on they arrive in order.
  await ctx.send(connectionId, {
    type: 'subscribed',
    sessionId,
    lastSeq,
    replayed: page.events.length,
    ...(page.more && lastReplayed !== undefined && { more: true, next: lastReplayed }),
  });
  return ok;
}

export const subscribeRoute: ActionRoute = async (ctx, connectionId, connection, body) => {
  const parsed = subscribeSchema.safeParse(body);
  if (!parsed.success)
    return ctx.fail(connectionId, 'VALIDATION_FAILED', 'expected {action, sessionId, after?}');
  const { sessionId, after } = parsed.data;
  const session = await visibleSession(ctx, connection, sessionId);
  if (!session || !connection)
    return ctx.fail(connectionId, 'SESSION_NOT_FOUND', 'no such session', sessionId);
  const capped = await refuseSubscription(ctx, connectionId, connection, sessionId);
  if (capped) return capped;
  if (after !== undefined) {
    const refused = await refuseReplay(ctx, connectionId, sessionId);
    if (refused) return refused;
  }
  return subscribeAndReplay(ctx, connectionId, connection, session, after);
};
