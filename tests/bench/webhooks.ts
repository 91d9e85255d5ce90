/**
 * `npm run bench -- webhooks --endpoints 10 --events 1000`: events appended to
 * the log (10 sessions) are delivered by the local dispatcher (stream poller,
 * durable cursors) to N endpoints on one loopback receiver; latency is from
 * the append's return to receipt. Baseline in the same run: a direct signed
 * POST loop per endpoint to the same receiver, as many POSTs.
 */
import { ENV } from '#commons/config/env-names.ts';
import { postWebhook } from '#commons/webhooks/webhook-poster.ts';
import { signedHeaders } from '#commons/webhooks/webhook-signing.ts';
import { startLocalWebhookDispatcher } from '../../infra/local/webhook-dispatcher.ts';
import { startWebhookReceiver } from '../../infra/local/webhook-receiver.ts';
import { createWebhookHarness, waitFor } from '../webhooks/webhook-harness.ts';
import { benchArgs, percentile, withEmbeddedAws } from './bench-support.ts';

const args = benchArgs('webhooks', { endpoints: 10, events: 1000, sessions: 10 });
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

await withEmbeddedAws(async () => {
  const h = await createWebhookHarness('bench-wh');
  const receiver = await startWebhookReceiver({ secrets: [] });
  const tenant = 'bench';
  const secrets: string[] = [];
  for (let i = 0; i < args.endpoints; i++) {
    const e = await h.addEndpoint(tenant, `${receiver.url}/${i}`);
    secrets.push(...e.secrets.map((s) => s.secret));
  }
  receiver.secrets = secrets;
  const dispatcher = await startLocalWebhookDispatcher(
    // Production request timeout; retries short enough that one slow moment does not skew the run.
    h.env({
      [ENV.logLevel]: 'warn',
      [ENV.webhookSweepIntervalMs]: '500',
      [ENV.webhookTimeoutMs]: '10000',
      [ENV.webhookRetryDelaysMs]: '500,1000,2000,5000,10000',
    }),
  );
  const appendedAt = new Map<string, number>();
  const perSession = Math.ceil(args.events / args.sessions);
  const started = performance.now();
  log(`appending ${args.events} events over ${args.sessions} sessions for ${args.endpoints} endpoints`);
  await Promise.all(
    Array.from({ length: args.sessions }, async (_, s) => {
      for (let i = 0; i < perSession && s * perSession + i < args.events; i++) {
        const e = await h.log.append({
          type: 'session:message',
          tenantId: tenant,
          sessionId: `ses_bench${s}`,
          data: { i },
        });
        appendedAt.set(e.eventId, performance.now());
      }
    }),
  );
  const expected = args.events * args.endpoints;
  await waitFor(`${expected} deliveries`, () => receiver.acknowledged.length >= expected, 600_000);
  const lat = receiver.acknowledged.map((d) => d.receivedAt - (appendedAt.get(d.id) ?? d.receivedAt));
  const end = Math.max(...receiver.acknowledged.map((d) => d.receivedAt));
  const dispatched = {
    deliveries: receiver.acknowledged.length,
    perSecond: Math.round(receiver.acknowledged.length / ((end - started) / 1000)),
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
  };
  await dispatcher.stop();

  // Baseline: the same number of signed POSTs, one ordered loop per endpoint, straight to the receiver.
  const before = receiver.acknowledged.length;
  const baseLat: number[] = [];
  const baseStart = performance.now();
  await Promise.all(
    Array.from({ length: args.endpoints }, async (_, ep) => {
      for (let i = 0; i < args.events; i++) {
        const body = JSON.stringify({
          v: 1,
          type: 'session:message',
          eventId: `base_${ep}_${i}`,
          data: { i },
        });
        const t0 = performance.now();
        const headers = signedHeaders(
          [secrets[ep] as string],
          `base_${ep}_${i}`,
          Math.floor(Date.now() / 1000),
          body,
        );
        await postWebhook(`${receiver.url}/${ep}`, { ...headers }, body, {
          mode: 'loopback-http',
          timeoutMs: 10_000,
          maxResponseBytes: 1024,
        });
        // Answered is after receipt: the baseline's latency is an upper bound.
        baseLat.push(performance.now() - t0);
      }
    }),
  );
  const baseline = {
    deliveries: receiver.acknowledged.length - before,
    perSecond: Math.round((receiver.acknowledged.length - before) / ((performance.now() - baseStart) / 1000)),
    p50Ms: percentile(baseLat, 50),
    p99Ms: percentile(baseLat, 99),
  };
  await receiver.close();
  h.aws.destroy();
  console.log(
    JSON.stringify({
      ...dispatched,
      baseline,
      ratio: Math.round((dispatched.perSecond / baseline.perSecond) * 100) / 100,
      endpoints: args.endpoints,
      events: args.events,
    }),
  );
});
