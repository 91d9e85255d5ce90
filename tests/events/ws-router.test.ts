import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConnectionStore } from '#commons/events/ports.ts';
import { ACTION_ROUTES, createWebSocketHandler, WEBSOCKET_ROUTES } from '../../functions/ws/routes.ts';

/** Fakes of our own ports: this is about which route module a route key reaches. */
function handler() {
  const posted: Record<string, unknown>[] = [];
  const connections = {
    getConnection: async () => ({
      connectionId: 'c',
      tenantId: 't',
      role: 'TENANT',
      subject: 's',
      connectedAt: 0,
    }),
    removeConnection: async () => undefined,
  } as unknown as ConnectionStore;
  const handle = createWebSocketHandler({
    checkToken: async () => ({ ok: false, status: 401, code: 'UNAUTHENTICATED' }),
    sessions: { get: async () => undefined },
    connections,
    events: {} as never,
    poster: {
      post: async (_id, payload) => {
        posted.push(JSON.parse(payload));
        return 'sent';
      },
    },
    logger: pino({ level: 'silent' }),
    now: () => 0,
  });
  return { posted, handle };
}

describe('the WebSocket router', () => {
  it('has one route module per custom route plus $default', () => {
    expect(Object.keys(ACTION_ROUTES).sort()).toEqual([...WEBSOCKET_ROUTES, '$default'].sort());
  });

  it.each(['nope', 'toString', 'constructor', '__proto__'])(
    'answers route key %s with UNKNOWN_ACTION from $default',
    async (routeKey) => {
      const { posted, handle } = handler();
      expect(await handle({ requestContext: { routeKey, connectionId: 'c' } })).toEqual({ statusCode: 200 });
      expect(posted).toEqual([expect.objectContaining({ type: 'error', code: 'UNKNOWN_ACTION' })]);
    },
  );

  it('routes ping to its module', async () => {
    const { posted, handle } = handler();
    await handle({ requestContext: { routeKey: 'ping', connectionId: 'c' } });
    expect(posted).toEqual([{ type: 'pong', at: new Date(0).toISOString() }]);
  });
});
