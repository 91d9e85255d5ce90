import { LIMIT_REFUSED_MESSAGE, LIMITS } from '#commons/observability/limit-metrics.ts';
import {
  type ActionRoute,
  activeConnection,
  createRouteContext,
  type RouteContext,
  type WebSocketDeps,
  type WsEvent,
  type WsResult,
} from './route-context.ts';
import { connectRoute } from './routes/connect.ts';
import { defaultRoute } from './routes/default.ts';
import { disconnectRoute } from './routes/disconnect.ts';
import { pingRoute } from './routes/ping.ts';
import { subscribeRoute } from './routes/subscribe.ts';
import { unsubscribeRoute } from './routes/unsubscribe.ts';
import { WS_RATE_BUCKET } from './ws-limits.ts';

export type {
  SessionReader,
  SessionView,
  TokenCheck,
  WebSocketDeps,
  WsEvent,
  WsResult,
} from './route-context.ts';
export {
  REPLAY_PAGE_EVENTS,
  REPLAY_SUBSCRIBES_PER_WINDOW,
  REPLAY_WINDOW_SECONDS,
} from './routes/subscribe.ts';

/** Routes that run on a connection after `$connect`, keyed as API Gateway's route keys. */
export const ACTION_ROUTES = {
  subscribe: subscribeRoute,
  unsubscribe: unsubscribeRoute,
  ping: pingRoute,
  $default: defaultRoute,
} as const satisfies Record<string, ActionRoute>;

/** The custom route keys API Gateway selects on `$request.body.action`. */
export const WEBSOCKET_ROUTES = ['subscribe', 'unsubscribe', 'ping'] as const satisfies readonly Exclude<
  keyof typeof ACTION_ROUTES,
  '$default'
>[];

function parseBody(body: string | null | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
}

function actionRoute(routeKey: string): ActionRoute {
  return Object.hasOwn(ACTION_ROUTES, routeKey)
    ? ACTION_ROUTES[routeKey as keyof typeof ACTION_ROUTES]
    : ACTION_ROUTES.$default;
}

async function runAction(ctx: RouteContext, event: WsEvent): Promise<WsResult> {
  const { routeKey, connectionId } = event.requestContext;
  // Every action after $connect: the token checked there must still be valid.
  const connection = await activeConnection(ctx, connectionId);
  if (connection === 'expired') return { statusCode: 200 };
  const limits = ctx.deps.limits;
  if (connection && limits) {
    const decision = await limits.rates.take(connection.tenantId, WS_RATE_BUCKET, limits.actionRate);
    if (!decision.allowed) {
      ctx.deps.logger.warn(
        { limit: LIMITS.tenantWsActionRate, tenantId: connection.tenantId, connectionId },
        LIMIT_REFUSED_MESSAGE,
      );
      return ctx.fail(connectionId, 'RATE_LIMITED', 'too many actions for this tenant', undefined, {
        retryAfter: decision.retryAfterSeconds,
      });
    }
  }
  return actionRoute(routeKey)(ctx, connectionId, connection, parseBody(event.body));
}

/**
 * Every WebSocket route as one plain Lambda handler keyed on
 * `requestContext.routeKey`. Answers go back through PostToConnection, the
 * same channel as events, so a client sees them in order.
 */
export function createWebSocketHandler(deps: WebSocketDeps): (event: WsEvent) => Promise<WsResult> {
  const ctx = createRouteContext(deps);
  return (event) => {
    switch (event.requestContext.routeKey) {
      case '$connect':
        return connectRoute(ctx, event);
      case '$disconnect':
        return disconnectRoute(ctx, event);
      default:
        return runAction(ctx, event);
    }
  };
}
