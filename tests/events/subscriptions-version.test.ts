import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { SubscriptionsChangedError } from '#commons/events/subscriptions-version.ts';
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
async function newSession(): Promise<string> {
  const sessionId = `ses_subv${++counter}${Date.now().toString(36)}`;
  await h.putSession({ sessionId, tenantId: 'acme', status: 'CONNECTED' });
  return sessionId;
}

const publish = (sessionId: string, n: number) =>
  h.publisher.publish({ type: 'session:message', tenantId: 'acme', sessionId, data: { n } });

const liveSeqs = (client: TestWsClient, sessionId: string): number[] =>
  client.messages
    .filter((m) => m.sessionId === sessionId && m.type === 'session:message' && typeof m.seq === 'number')
    .map((m) => m.seq as number);

async function subscribe(client: TestWsClient, sessionId: string): Promise<number> {
  client.send({ action: 'subscribe', sessionId });
  const ack = await client.waitFor((m) => m.type === 'subscribed' && m.sessionId === sessionId);
  return ack.lastSeq as number;
}

/** Everything the gateway had for the client before this point has arrived (one connection is in order). */
async function barrier(client: TestWsClient): Promise<void> {
  const before = client.messages.filter((m) => m.type === 'pong').length;
  client.send({ action: 'ping' });
  await client.waitForCount((m) => m.type === 'pong', before + 1);
}

describe('the subscriptions version on the event log’s counter', () => {
  it('refuses an append whose subscriber list is older than the last subscribe, and appends nothing', async () => {
    const sessionId = await newSession();
    const log = new DynamoDbEventLog(h.aws.doc, { table: h.aws.tables.events, ttlSeconds: 3600 });
    const version = await log.subscriptionsVersion(sessionId);
    await log.append(
      { type: 'session:message', tenantId: 'acme', sessionId, data: {} },
      { subscriptionsVersion: version },
    );
    await h.connections.subscribe(sessionId, 'someConnection=');
    const stale = log.append(
      { type: 'session:message', tenantId: 'acme', sessionId, data: {} },
      { subscriptionsVersion: version },
    );
    await expect(stale).rejects.toBeInstanceOf(SubscriptionsChangedError);
    expect(await log.lastSeq(sessionId)).toBe(1);
    const current = await log.subscriptionsVersion(sessionId);
    expect(current).toBe(version + 1);
    const appended = await log.append(
      { type: 'session:message', tenantId: 'acme', sessionId, data: {} },
      { subscriptionsVersion: current },
    );
    expect(appended.seq).toBe(2);
  });
});

describe('fan-out with cached subscribers through the local gateway', () => {
  it('pushes the next event to a client that subscribed after the publisher cached the list', async () => {
    const sessionId = await newSession();
    const first = await connectWs(h.url('acme:ADMIN'));
    await subscribe(first, sessionId);
    await publish(sessionId, 1);
    await h.publisher.idle();
    const late = await connectWs(h.url('acme:ADMIN'));
    const lastSeq = await subscribe(late, sessionId);
    expect(lastSeq).toBe(1);
    const next = await publish(sessionId, 2);
    await late.waitFor((m) => m.type === 'session:message' && m.seq === next.seq);
    await Promise.all([first.close(), late.close()]);
  });

  it('pushes nothing more to a connection that unsubscribed, though it stays open', async () => {
    const sessionId = await newSession();
    const client = await connectWs(h.url('acme:ADMIN'));
    await subscribe(client, sessionId);
    await publish(sessionId, 1);
    await h.publisher.idle();
    client.send({ action: 'unsubscribe', sessionId });
    await client.waitFor((m) => m.type === 'unsubscribed');
    await publish(sessionId, 2);
    await h.publisher.idle();
    await barrier(client);
    expect(liveSeqs(client, sessionId)).toEqual([1]);
    await client.close();
  });

  it('gives every client that subscribes during a stream of events each event after its ack’s lastSeq, in order', async () => {
    const sessionId = await newSession();
    const events = 40;
    const clients = await Promise.all(Array.from({ length: 6 }, () => connectWs(h.url('acme:ADMIN'))));
    const acks: Promise<number>[] = [];
    for (let n = 1; n <= events; n++) {
      // A subscribe lands every few events, while appends and fan-outs are in flight.
      if (n % 6 === 3 && acks.length < clients.length)
        acks.push(subscribe(clients[acks.length] as TestWsClient, sessionId));
      await publish(sessionId, n);
    }
    const lastSeqs = await Promise.all(acks);
    await h.publisher.idle();
    for (const [i, client] of clients.entries()) {
      await barrier(client);
      const from = lastSeqs[i] as number;
      const got = liveSeqs(client, sessionId);
      const owed = Array.from({ length: events - from }, (_, k) => from + 1 + k);
      expect(got.filter((seq) => seq > from)).toEqual(owed);
    }
    await Promise.all(clients.map((c) => c.close()));
  });
});
