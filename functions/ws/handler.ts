/**
 * API Gateway WebSocket entry for every route ($connect, $disconnect,
 * subscribe, unsubscribe, ping, $default), routed on
 * `requestContext.routeKey`: Hono's Lambda adapter has no WebSocket support.
 */
import { composeWebSocket } from './compose.ts';

export const handler = composeWebSocket(process.env);
