import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWs, type TestWsClient } from '../support/ws-test-client.ts';
import { startWsHarness, type WsHarness } from './ws-harness.ts';

/** The routes, the connection store and the publisher share this clock, so a test can move past `exp`. */
let offsetMs = 0;
const now = (): number => Date.now() + offsetMs;

let h: WsHarness;
beforeAll(async () => {
  h = await startWsHarness({ now });
});
afterAll(async () => {
  await h.stop();
});

let counter = 0;
async function session(tenantId: string): Promise<string> {
  const sessionId = `ses_exp${++counter}${Date.now().toString(36)}`;
  await h.putSession({ sessionId, tenantId, status: 'STOPPED' });
  return sessionId;
}

const expIn = (seconds: number): number => Math.floor(now() / 1000) + seconds;

const isEvent = (sessionId: string) => (m: Record<string, unknown>) =>
  m.sessionId === sessionId && typeof m.seq === 'number' && m.snapshot !== true;

async function subscribed(client: TestWsClient, sessionId: string): Promise<void> {
  client.send({ action: 'subscribe', sessionId });
  await client.waitFor((m) => m.type === 'subscribed' && m.sessionId === sessionId);
}

describe('WebSocket access ends with the token’s expiry', () => {
  it('pushes events until exp, then posts TOKEN_EXPIRED, closes the connection and pushes nothing more', async () => {
    const sessionId = await session('exp');
    const expiring = await connectWs(h.url(`exp:ADMIN:${expIn(60)}`));
    const lasting = await connectWs(h.url(`exp:ADMIN:${expIn(3600)}`));
    await subscribed(expiring, sessionId);
    await subscribed(lasting, sessionId);
    const publish = (n: number) =>
      h.publisher.publish({ type: 'session:message', tenantId: 'exp', sessionId, data: { n } });

    const before = await publish(1);
    await expiring.waitFor((m) => isEvent(sessionId)(m) && m.seq === before.seq);

    offsetMs += 61_000;
    const after = await publish(2);
    await lasting.waitFor((m) => isEvent(sessionId)(m) && m.seq === after.seq);
    const notice = await expiring.waitFor((m) => m.type === 'error');
    expect(notice).toMatchObject({ type: 'error', code: 'TOKEN_EXPIRED' });
    await expiring.closed;
    await publish(3);
    await lasting.waitForCount(isEvent(sessionId), 3);
    expect(expiring.messages.filter(isEvent(sessionId)).map((m) => m.seq)).toEqual([before.seq]);
    expect(await h.connections.subscribers(sessionId)).toHaveLength(1);
    await lasting.close();
  });

  it('refuses an action after exp with TOKEN_EXPIRED and closes the connection', async () => {
    const sessionId = await session('exp');
    const client = await connectWs(h.url(`exp:ADMIN:${expIn(60)}`));
    client.send({ action: 'ping' });
    await client.waitFor((m) => m.type === 'pong');
    offsetMs += 61_000;
    client.send({ action: 'subscribe', sessionId, after: 0 });
    const refusal = await client.waitFor((m) => m.type === 'error');
    expect(refusal).toMatchObject({ code: 'TOKEN_EXPIRED' });
    await client.closed;
    expect(client.messages.some((m) => m.type === 'subscribed')).toBe(false);
    expect(await h.connections.subscribers(sessionId)).toEqual([]);
  });
});
