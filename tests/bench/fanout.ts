/**
 * `npm run bench -- fanout [--subscribers N] [--events N] [--concurrency N] [--pending N]`: publish
 * throughput and publish-to-receive latency through the local WebSocket
 * gateway, beside a baseline of bare PostToConnection calls (no event log, no
 * subscription lookup) measured in the same run. Prints JSON on the last line.
 */
import { performance } from 'node:perf_hooks';
import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import pino from 'pino';
import { ApiGatewayConnectionPoster } from '#commons/events/api-gateway-poster.ts';
import { createFanoutPublisher, FANOUT_LIMITS } from '#commons/events/fanout-publisher.ts';
import { startWsHarness } from '../events/ws-harness.ts';
import { connectWs, type TestWsClient } from '../support/ws-test-client.ts';
import { benchArgs, percentile, withEmbeddedAws } from './bench-support.ts';

const args = benchArgs('fanout', {
  subscribers: 100,
  events: 200,
  concurrency: FANOUT_LIMITS.postConcurrency,
  pending: FANOUT_LIMITS.maxPendingPerSession,
});

await withEmbeddedAws(async () => {
  const subscribers = args.subscribers;
  const events = args.events;
  const h = await startWsHarness();
  // The harness's publisher with the bounds under test, over the same log, store and gateway client.
  const publisher = createFanoutPublisher({
    log: h.events,
    connections: h.connections,
    poster: new ApiGatewayConnectionPoster(h.management),
    logger: pino({ level: 'silent' }),
    concurrency: args.concurrency,
    maxPendingPerSession: args.pending,
  });
  const sessionId = 'ses_bench';
  await h.putSession({ sessionId, tenantId: 'bench', status: 'CONNECTED' });
  console.error(`connecting ${subscribers} subscribers`);
  const clients: TestWsClient[] = [];
  for (let i = 0; i < subscribers; i++) clients.push(await connectWs(h.url('bench:ADMIN')));
  await Promise.all(
    clients.map(async (c) => {
      c.send({ action: 'subscribe', sessionId });
      await c.waitFor((m) => m.type === 'subscribed', 60_000);
    }),
  );
  const connectionIds = (await h.connections.subscribers(sessionId)).map((s) => s.connectionId);

  // Latency: each client records arrival time per seq.
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  for (const c of clients) {
    c.socket.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { seq?: number; data?: { bench?: number } };
      const start = m.data?.bench !== undefined ? sentAt.get(m.data.bench) : undefined;
      if (start !== undefined) latencies.push(performance.now() - start);
    });
  }

  console.error(`publishing ${events} events to ${subscribers} subscribers`);
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    sentAt.set(i, performance.now());
    await publisher.publish({ type: 'session:message', tenantId: 'bench', sessionId, data: { bench: i } });
  }
  const expected = events * subscribers;
  // Publish resolves once the event is durable and fan-out runs behind it: the run ends at the last delivery.
  let lastArrival = performance.now();
  for (const c of clients)
    c.socket.on('message', () => {
      lastArrival = performance.now();
    });
  const deadline = Date.now() + 30_000;
  while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await publisher.idle();
  const seconds = (lastArrival - t0) / 1000;

  // Baseline: the same deliveries as bare PostToConnection, no log and no lookup.
  const baseLatencies: number[] = [];
  const b0 = performance.now();
  for (let i = 0; i < events; i++) {
    const start = performance.now();
    await Promise.all(
      connectionIds.map((ConnectionId) =>
        h.management.send(new PostToConnectionCommand({ ConnectionId, Data: Buffer.from('{"baseline":1}') })),
      ),
    );
    baseLatencies.push(performance.now() - start);
  }
  const baseSeconds = (performance.now() - b0) / 1000;

  for (const c of clients) c.socket.terminate();
  await h.stop();
  const result = {
    subscribers,
    events,
    concurrency: args.concurrency,
    pending: args.pending,
    delivered: latencies.length,
    perSecond: Math.round(expected / seconds),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    baseline: {
      perSecond: Math.round(expected / baseSeconds),
      p50Ms: percentile(baseLatencies, 50),
      p99Ms: percentile(baseLatencies, 99),
    },
  };
  console.log(JSON.stringify(result));
});
