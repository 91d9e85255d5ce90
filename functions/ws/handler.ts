/**
 * API Gateway WebSocket entry for every route ($connect, $disconnect,
 * subscribe, unsubscribe, ping, $default). Routing is by
 * `requestContext.routeKey`; Hono's Lambda adapter has no WebSocket support.
 */
export interface WebSocketEvent {
  requestContext: { routeKey: string; connectionId: string; eventType: string };
  body?: string | null;
  queryStringParameters?: Record<string, string | undefined> | null;
}

export async function handler(_event: WebSocketEvent): Promise<{ statusCode: number; body?: string }> {
  return { statusCode: 501, body: 'not implemented yet' };
}
