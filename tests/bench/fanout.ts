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

/** Events per block; blocks of our publisher and of the baseline alternate. */
const BLOCK = 20;

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

  let lastArrival = 0;
  for (const c of clients)
    c.socket.on('message', () => {
      lastArrival = performance.now();
    });

  const publishBlock = async (from: number, to: number): Promise<number> => {
    const before = latencies.length;
    const t0 = performance.now();
    for (let i = from; i < to; i++) {
      sentAt.set(i, performance.now());
      await publisher.publish({ type: 'session:message', tenantId: 'bench', sessionId, data: { bench: i } });
      appendMs.push(performance.now() - (sentAt.get(i) as number));
    }
    // Publish resolves once the event is durable and fan-out runs behind it: a block ends at its last delivery.
    const deadline = Date.now() + 30_000;
    const owed = before + (to - from) * subscribers;
    while (latencies.length < owed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await publisher.idle();
    return lastArrival - t0;
  };
  // Baseline: the same deliveries as bare PostToConnection, no log and no lookup.
  const baselineBlock = async (count: number): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      await Promise.all(
        connectionIds.map((ConnectionId) =>
          h.management.send(
            new PostToConnectionCommand({ ConnectionId, Data: Buffer.from('{"baseline":1}') }),
          ),
        ),
      );
      baseLatencies.push(performance.now() - start);
    }
    return performance.now() - t0;
  };

  // Alternating blocks: on a shared machine both sides then see the same load.
  console.error(
    `publishing ${events} events to ${subscribers} subscribers, ${BLOCK} at a time beside the baseline`,
  );
  const appendMs: number[] = [];
  const baseLatencies: number[] = [];
  let seconds = 0;
  let baseSeconds = 0;
  for (let from = 0; from < events; from += BLOCK) {
    const to = Math.min(events, from + BLOCK);
    seconds += (await publishBlock(from, to)) / 1000;
    baseSeconds += (await baselineBlock(to - from)) / 1000;
  }
  const expected = events * subscribers;

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
    /** How long publish took to resolve (the append, or waiting for room behind earlier fan-outs). */
    publishP50Ms: percentile(appendMs, 50),
    publishP99Ms: percentile(appendMs, 99),
    baseline: {
      perSecond: Math.round(expected / baseSeconds),
      p50Ms: percentile(baseLatencies, 50),
      p99Ms: percentile(baseLatencies, 99),
    },
  };
  console.log(JSON.stringify(result));
});
