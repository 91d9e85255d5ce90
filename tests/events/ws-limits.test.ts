import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../functions/ws/routes.ts';
import { connectWs, type TestWsClient } from '../support/ws-test-client.ts';
import { startWsHarness, type WsHarness } from './ws-harness.ts';

/** WebSocket caps through the local gateway, counted from the live items in DynamoDB Local. */
const LIMITS = {
  maxConnectionsPerTenant: 3,
  maxSubscriptionsPerConnection: 2,
  actionRate: { perSecond: 1, burst: 10 },
};
let h: WsHarness;
beforeAll(async () => {
  h = await startWsHarness({ limits: LIMITS });
});
afterAll(async () => {
  await h.stop();
});

let counter = 0;
async function session(tenantId: string): Promise<SessionView> {
  const s: SessionView = {
    sessionId: `ses_lim${++counter}${Date.now().toString(36)}`,
    tenantId,
    status: 'STOPPED',
  };
  await h.putSession(s);
  return s;
}

describe('WebSocket caps', () => {
  it('refuses a subscription past the cap with SUBSCRIPTION_LIMIT, but not a repeat of one it holds', async () => {
    const client = await connectWs(h.url('subs:ADMIN'));
    const [a, b, c] = [await session('subs'), await session('subs'), await session('subs')];
    for (const s of [a, b]) {
      client.send({ action: 'subscribe', sessionId: s.sessionId });
      await client.waitFor((m) => m.type === 'subscribed' && m.sessionId === s.sessionId);
    }
    client.send({ action: 'subscribe', sessionId: c.sessionId });
    expect(await client.waitFor((m) => m.type === 'error')).toMatchObject({
      code: 'SUBSCRIPTION_LIMIT',
      sessionId: c.sessionId,
    });
    expect(await h.connections.subscribers(c.sessionId)).toEqual([]);
    client.send({ action: 'subscribe', sessionId: a.sessionId });
    await client.waitFor((m) => m.type === 'subscribed' && m.sessionId === a.sessionId);
    await client.close();
  });

  it('refuses a connection past the tenant cap with 429, and admits one again after a disconnect', async () => {
    const open: TestWsClient[] = [];
    for (let i = 0; i < LIMITS.maxConnectionsPerTenant; i++) open.push(await connectWs(h.url('conns:ADMIN')));
    await expect(connectWs(h.url('conns:ADMIN'))).rejects.toMatchObject({ statusCode: 429 });
    // Another tenant is not counted against this one.
    const other = await connectWs(h.url('other:ADMIN'));
    await other.close();
    await open.pop()?.close();
    // The disconnect runs after the close; wait for its item to go rather than sleeping.
    const deadline = Date.now() + 5_000;
    let again: TestWsClient | undefined;
    while (!again && Date.now() < deadline)
      again = await connectWs(h.url('conns:ADMIN')).catch(() => undefined);
    expect(again).toBeDefined();
    for (const c of [...open, again as TestWsClient]) await c.close();
  });

  it('answers a tenant flooding actions with RATE_LIMITED and retryAfter', async () => {
    const client = await connectWs(h.url('flood:ADMIN'));
    for (let i = 0; i < LIMITS.actionRate.burst + 5; i++) client.send({ action: 'ping' });
    const refused = await client.waitFor((m) => m.type === 'error' && m.code === 'RATE_LIMITED');
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    await client.close();
  });
});
