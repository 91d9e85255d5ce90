import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPLAY_PAGE_EVENTS,
  REPLAY_SUBSCRIBES_PER_WINDOW,
  type SessionView,
} from '../../functions/ws/routes.ts';
import { connectWs, type TestWsClient } from '../support/ws-test-client.ts';
import { startWsHarness, type WsHarness } from './ws-harness.ts';

let h: WsHarness;
beforeAll(async () => {
  h = await startWsHarness();
});
afterAll(async () => {
  await h.stop();
});

let counter = 0;
async function session(tenantId: string, extra: Partial<SessionView> = {}): Promise<SessionView> {
  const s: SessionView = {
    sessionId: `ses_ws${++counter}${Date.now().toString(36)}`,
    tenantId,
    status: 'STOPPED',
    ...extra,
  };
  await h.putSession(s);
  return s;
}

const isEvent = (sessionId: string) => (m: Record<string, unknown>) =>
  m.sessionId === sessionId && typeof m.seq === 'number' && m.v === 1 && m.snapshot !== true;

async function subscribed(client: TestWsClient, sessionId: string, after?: number, timeoutMs?: number) {
  client.send({ action: 'subscribe', sessionId, ...(after !== undefined && { after }) });
  return client.waitFor((m) => m.type === 'subscribed' && m.sessionId === sessionId, timeoutMs);
}

describe('WebSocket events through the local gateway and the real SDK', () => {
  it('rejects the handshake without a valid token (401) or with a refused role (403)', async () => {
    await expect(connectWs(h.gateway.url)).rejects.toMatchObject({ statusCode: 401 });
    await expect(connectWs(h.url('acme:VIEWER'))).rejects.toMatchObject({ statusCode: 403 });
  });

  it('refuses a subscription to another tenant’s session and pushes it nothing', async () => {
    const theirs = await session('tenant-b');
    const client = await connectWs(h.url('tenant-a:ADMIN'));
    client.send({ action: 'subscribe', sessionId: theirs.sessionId });
    const error = await client.waitFor((m) => m.type === 'error');
    expect(error).toMatchObject({ code: 'SESSION_NOT_FOUND', sessionId: theirs.sessionId });
    await h.publisher.publish({
      type: 'session:message',
      tenantId: 'tenant-b',
      sessionId: theirs.sessionId,
      data: {},
    });
    client.send({ action: 'ping' });
    await client.waitFor((m) => m.type === 'pong');
    expect(client.messages.filter((m) => m.sessionId === theirs.sessionId && m.type !== 'error')).toEqual([]);
    expect(await h.connections.subscribers(theirs.sessionId)).toEqual([]);
    await client.close();
  });

  it('lets MASTER subscribe to any tenant’s session', async () => {
    const s = await session('tenant-c');
    const client = await connectWs(h.url('ops:MASTER'));
    await subscribed(client, s.sessionId);
    await client.close();
  });

  it('sends the current status and the live QR at once to a late subscriber', async () => {
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const s = await session('acme', { status: 'QR', qr: { value: 'ref,a,b,c', seq: 3, expiresAt } });
    const client = await connectWs(h.url('acme:ADMIN'));
    await subscribed(client, s.sessionId);
    const status = await client.waitFor((m) => m.type === 'session:status');
    const qr = await client.waitFor((m) => m.type === 'qr');
    expect(status).toMatchObject({ v: 1, snapshot: true, data: { status: 'QR' } });
    expect(qr).toMatchObject({ snapshot: true, data: { qr: 'ref,a,b,c', qrSeq: 3, expiresAt } });
    await client.close();
  });

  it('does not send an expired QR in the snapshot', async () => {
    const expiresAt = new Date(Date.now() - 1_000).toISOString();
    const s = await session('acme', { status: 'QR', qr: { value: 'old', seq: 1, expiresAt } });
    const client = await connectWs(h.url('acme:ADMIN'));
    await subscribed(client, s.sessionId);
    await client.waitFor((m) => m.type === 'session:status');
    client.send({ action: 'ping' });
    await client.waitFor((m) => m.type === 'pong');
    expect(client.messages.some((m) => m.type === 'qr')).toBe(false);
    await client.close();
  });

  it('fans out to 200 subscribers, each receiving every event once and in seq order', async () => {
    const s = await session('fan');
    const clients = await Promise.all(Array.from({ length: 200 }, () => connectWs(h.url('fan:ADMIN'))));
    // 200 subscribes at once, each a write and a subscriptions-version bump: on a loaded machine that outlasts 10 s.
    await Promise.all(clients.map((c) => subscribed(c, s.sessionId, undefined, 40_000)));
    const published = [];
    for (let i = 0; i < 5; i++) {
      published.push(
        h.publisher.publish({
          type: 'session:message',
          tenantId: 'fan',
          sessionId: s.sessionId,
          data: { n: i },
        }),
      );
    }
    const envelopes = await Promise.all(published);
    const expected = envelopes.map((e) => e.seq);
    expect(expected).toEqual([1, 2, 3, 4, 5]);
    await Promise.all(clients.map((c) => c.waitForCount(isEvent(s.sessionId), 5)));
    for (const c of clients) {
      const got = c.messages.filter(isEvent(s.sessionId));
      expect(got.map((m) => m.seq)).toEqual(expected);
      expect(got.map((m) => (m.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    }
    await Promise.all(clients.map((c) => c.close()));
  }, 60_000);

  it('removes a connection that answers 410 instead of retrying it', async () => {
    const s = await session('gone');
    const client = await connectWs(h.url('gone:ADMIN'));
    await subscribed(client, s.sessionId);
    const [connectionId] = (await h.connections.subscribers(s.sessionId)).map((x) => x.connectionId);
    // Drop the socket without running $disconnect, as when a client vanishes.
    client.socket.terminate();
    await expect.poll(() => h.gateway.connectionCount()).toBe(0);
    await h.connections.subscribe(s.sessionId, connectionId as string);
    expect((await h.connections.subscribers(s.sessionId)).map((x) => x.connectionId)).toEqual([connectionId]);
    await h.publisher.publish({ type: 'session:status', tenantId: 'gone', sessionId: s.sessionId, data: {} });
    // Publish resolves once the event is durable; its fan-out (and the 410's cleanup) runs behind it.
    await h.publisher.idle();
    expect(await h.connections.subscribers(s.sessionId)).toEqual([]);
    expect(await h.connections.getConnection(connectionId as string)).toBeUndefined();
  });

  it('replaces an event too large for one frame by a reference the client can fetch', async () => {
    const s = await session('big');
    const client = await connectWs(h.url('big:ADMIN'));
    await subscribed(client, s.sessionId);
    const text = 'x'.repeat(200 * 1024);
    const published = await h.publisher.publish({
      type: 'session:message',
      tenantId: 'big',
      sessionId: s.sessionId,
      data: { text },
    });
    const got = await client.waitFor(isEvent(s.sessionId));
    expect(got).toMatchObject({ truncated: true, seq: published.seq, eventId: published.eventId });
    expect(got.href).toBe(`/v1/sessions/${s.sessionId}/events?after=${published.seq - 1}&limit=1`);
    const [stored] = await h.events.after(s.sessionId, published.seq - 1, 1);
    expect(stored?.data.text).toBe(text);
    await client.close();
  });

  it('replays what a reconnecting client missed, with no gap and no duplicate', async () => {
    const s = await session('replay');
    const publish = (n: number) =>
      h.publisher.publish({
        type: 'session:message',
        tenantId: 'replay',
        sessionId: s.sessionId,
        data: { n },
      });
    const first = await connectWs(h.url('replay:ADMIN'));
    await subscribed(first, s.sessionId);
    for (let n = 1; n <= 3; n++) await publish(n);
    await first.waitForCount(isEvent(s.sessionId), 3);
    const lastSeen = Math.max(...first.messages.filter(isEvent(s.sessionId)).map((m) => m.seq as number));
    await first.close();
    for (let n = 4; n <= 7; n++) await publish(n);
    const second = await connectWs(h.url('replay:ADMIN'));
    const ack = await subscribed(second, s.sessionId, lastSeen);
    expect(ack).toMatchObject({ replayed: 4, lastSeq: 7 });
    await publish(8);
    await second.waitForCount(isEvent(s.sessionId), 5);
    const seqs = [...first.messages, ...second.messages].filter(isEvent(s.sessionId)).map((m) => m.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await second.close();
  });

  it('replays an event too large for one frame as a reference and still acknowledges the subscribe', async () => {
    const s = await session('bigreplay');
    const publish = (data: Record<string, unknown>) =>
      h.publisher.publish({ type: 'session:message', tenantId: 'bigreplay', sessionId: s.sessionId, data });
    await publish({ n: 1 });
    const big = await publish({ text: 'x'.repeat(200 * 1024) });
    await publish({ n: 3 });
    const client = await connectWs(h.url('bigreplay:ADMIN'));
    const ack = await subscribed(client, s.sessionId, 0);
    expect(ack).toMatchObject({ replayed: 3, lastSeq: 3 });
    const replayed = client.messages.filter(isEvent(s.sessionId));
    expect(replayed.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(replayed[1]).toMatchObject({ truncated: true, seq: big.seq, eventId: big.eventId, data: {} });
    expect(replayed[1]?.href).toBe(`/v1/sessions/${s.sessionId}/events?after=${big.seq - 1}&limit=1`);
    await client.close();
  });

  it('replays one bounded page per subscribe and says where to continue', async () => {
    const s = await session('longreplay');
    const total = REPLAY_PAGE_EVENTS + 5;
    for (let n = 1; n <= total; n++) {
      await h.events.append({
        type: 'session:message',
        tenantId: 'longreplay',
        sessionId: s.sessionId,
        data: { n },
      });
    }
    const client = await connectWs(h.url('longreplay:ADMIN'));
    const ack = await subscribed(client, s.sessionId, 0);
    expect(ack).toMatchObject({
      replayed: REPLAY_PAGE_EVENTS,
      lastSeq: total,
      more: true,
      next: REPLAY_PAGE_EVENTS,
    });
    expect(client.messages.filter(isEvent(s.sessionId)).map((m) => m.seq)).toEqual(
      Array.from({ length: REPLAY_PAGE_EVENTS }, (_, i) => i + 1),
    );
    await client.close();
  }, 60_000);

  it('refuses subscribe-with-replay past the per-connection rate with RATE_LIMITED and a retryAfter', async () => {
    const s = await session('ratelimit');
    await h.publisher.publish({
      type: 'session:message',
      tenantId: 'ratelimit',
      sessionId: s.sessionId,
      data: {},
    });
    const client = await connectWs(h.url('ratelimit:ADMIN'));
    for (let i = 0; i < REPLAY_SUBSCRIBES_PER_WINDOW; i++) {
      client.send({ action: 'subscribe', sessionId: s.sessionId, after: 0 });
      await client.waitForCount((m) => m.type === 'subscribed', i + 1);
    }
    client.send({ action: 'subscribe', sessionId: s.sessionId, after: 0 });
    const refusal = await client.waitFor((m) => m.type === 'error');
    expect(refusal).toMatchObject({ code: 'RATE_LIMITED', sessionId: s.sessionId });
    expect(refusal.retryAfter).toBeGreaterThan(0);
    const replays = client.messages.filter(isEvent(s.sessionId)).length;
    expect(replays).toBe(REPLAY_SUBSCRIBES_PER_WINDOW);
    // Without replay a subscribe costs no log read: still allowed.
    client.send({ action: 'subscribe', sessionId: s.sessionId });
    await client.waitForCount((m) => m.type === 'subscribed', REPLAY_SUBSCRIBES_PER_WINDOW + 1);
    // The rate is per connection, kept on its record: another connection is not affected.
    const other = await connectWs(h.url('ratelimit:ADMIN'));
    await subscribed(other, s.sessionId, 0);
    await Promise.all([client.close(), other.close()]);
  });

  it('appends a redelivered event with the same event id only once', async () => {
    const s = await session('dedup');
    const event = {
      type: 'session:message' as const,
      tenantId: 'dedup',
      sessionId: s.sessionId,
      eventId: 'msg-3EB0ABC',
      data: { text: 'hi' },
    };
    const a = await h.publisher.publish(event);
    const b = await h.publisher.publish(event);
    expect(b.seq).toBe(a.seq);
    expect(await h.events.after(s.sessionId, 0, 10)).toHaveLength(1);
  });

  it('answers an unknown action with an error code, not a dropped connection', async () => {
    const client = await connectWs(h.url('acme:ADMIN'));
    client.send({ action: 'explode' });
    client.send({ action: 'subscribe' });
    await client.waitFor((m) => m.code === 'UNKNOWN_ACTION');
    await client.waitFor((m) => m.code === 'VALIDATION_FAILED');
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await client.close();
  });
});
