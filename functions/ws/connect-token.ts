import type { WsEvent } from './route-context.ts';

/**
 * The subprotocol a browser offers with its token: `new WebSocket(url,
 * ['zapfleet.v1', 'bearer.<jwt>'])`. A browser can set no other header on a
 * WebSocket, and a token in the URL ends up in proxies' and access logs.
 */
export const LIVE_SUBPROTOCOL = 'zapfleet.v1';
const BEARER_PREFIX = 'bearer.';

function header(event: WsEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  return undefined;
}

/**
 * The `$connect` token: `?token=` (existing clients), else the `bearer.`
 * subprotocol. `protocol` is what the handshake must select when the client
 * offered `zapfleet.v1` (a browser drops a connection that selects none of
 * its offers); the token offer itself is never echoed back.
 */
export function connectToken(event: WsEvent): { token: string | undefined; protocol?: string } {
  const offers = (header(event, 'sec-websocket-protocol') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const protocol = offers.includes(LIVE_SUBPROTOCOL) ? { protocol: LIVE_SUBPROTOCOL } : {};
  const query = event.queryStringParameters?.token;
  if (query) return { token: query, ...protocol };
  const bearer = offers.find((p) => p.startsWith(BEARER_PREFIX))?.slice(BEARER_PREFIX.length);
  return { token: bearer || undefined, ...protocol };
}
