/**
 * Browsers cannot set an Authorization header on a WebSocket; the dashboard
 * offers its token as a second subprotocol (`zapfleet.v1`, `bearer.<jwt>`) so
 * it never sits in a URL. The gateway must select `zapfleet.v1` (a browser
 * drops a connection whose server picks none of its offers, and must never
 * echo the token back), and `?token=` keeps working for existing clients.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectToken, LIVE_SUBPROTOCOL } from '../../functions/ws/connect-token.ts';
import { connectWs } from '../support/ws-test-client.ts';
import { startWsHarness, type WsHarness } from './ws-harness.ts';

let h: WsHarness;
beforeAll(async () => {
  h = await startWsHarness();
});
afterAll(async () => {
  await h.stop();
});

/** Opens a socket offering `protocols`; resolves with the selected one, or the refused handshake's status. */
function open(
  url: string,
  protocols: string[],
): Promise<{ protocol?: string; status?: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols);
    ws.once('open', () => resolve({ protocol: ws.protocol, ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', () => resolve({ status: -1 }));
  });
}

describe('the WebSocket token in Sec-WebSocket-Protocol', () => {
  it('accepts a token offered as a subprotocol and selects only zapfleet.v1', async () => {
    const result = await open(h.gateway.url, [LIVE_SUBPROTOCOL, 'bearer.acme.ADMIN']);
    expect(result.status).toBeUndefined();
    expect(result.protocol).toBe(LIVE_SUBPROTOCOL);
    result.ws?.send(JSON.stringify({ action: 'ping' }));
    const pong = await new Promise((r) => result.ws?.once('message', (d) => r(JSON.parse(String(d)))));
    expect(pong).toMatchObject({ type: 'pong' });
    result.ws?.close();
  });

  it('refuses a bad token offered as a subprotocol with 401, and a refused role with 403', async () => {
    expect((await open(h.gateway.url, [LIVE_SUBPROTOCOL, 'bearer.nonsense'])).status).toBe(401);
    expect((await open(h.gateway.url, [LIVE_SUBPROTOCOL, 'bearer.acme.GUEST'])).status).toBe(403);
    expect((await open(h.gateway.url, [LIVE_SUBPROTOCOL])).status).toBe(401);
  });

  it('keeps ?token= working, with or without subprotocols', async () => {
    const client = await connectWs(h.url('acme:ADMIN'));
    client.send({ action: 'ping' });
    await client.waitFor((m) => m.type === 'pong');
    await client.close();
  });

  it('reads the header whatever its case and however the offers are spaced', () => {
    const event = (headers: Record<string, string>) => ({
      requestContext: { routeKey: '$connect', connectionId: 'c' },
      headers,
    });
    expect(connectToken(event({ 'Sec-WebSocket-Protocol': 'zapfleet.v1,  bearer.a.b.c' }))).toEqual({
      token: 'a.b.c',
      protocol: LIVE_SUBPROTOCOL,
    });
    expect(connectToken(event({ 'sec-websocket-protocol': 'other' }))).toEqual({ token: undefined });
    expect(connectToken({ ...event({}), queryStringParameters: { token: 'q.r.s' } })).toEqual({
      token: 'q.r.s',
    });
  });
});
