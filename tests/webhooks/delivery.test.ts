import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#commons/config/env-names.ts';
import { createLogger } from '#commons/logging/logger.ts';
import { WebhookDispatcher } from '#commons/webhooks/webhook-dispatcher.ts';
import { replayDeliveries } from '#commons/webhooks/webhook-replay.ts';
import {
  type LocalWebhookDispatcher,
  startLocalWebhookDispatcher,
} from '../../infra/local/webhook-dispatcher.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../infra/local/webhook-receiver.ts';
import { createWebhookHarness, seqsBySession, type WebhookHarness, waitFor } from './webhook-harness.ts';

let h: WebhookHarness;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  h = await createWebhookHarness('whd');
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
afterAll(() => h.aws.destroy());

async function dispatcher(overrides: Record<string, string> = {}): Promise<LocalWebhookDispatcher> {
  const d = await startLocalWebhookDispatcher(h.env(overrides));
  cleanups.push(() => d.stop());
  return d;
}

async function receiver(secret: string, respond?: WebhookReceiver['respond']): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver({ secrets: [secret], ...(respond && { respond }) });
  cleanups.push(() => r.close());
  return r;
}

const gapFree = (seqs: readonly number[]): number[] => {
  // At-least-once: repeats allowed, but in order and nothing missing.
  const unique = seqs.filter((s, i) => i === 0 || s !== seqs[i - 1]);
  expect(unique).toEqual([...unique].sort((a, b) => a - b));
  return [...new Set(unique)];
};

describe('webhook delivery from the event log', () => {
  it('delivers every event of two sessions, signed (verified by standardwebhooks) and in seq order per session', async () => {
    const tenant = `t-${Date.now()}`;
    const r = await receiver(`whsec_${Buffer.alloc(32, 1).toString('base64')}`);
    const endpoint = await h.addEndpoint(tenant, r.url);
    r.secrets = endpoint.secrets.map((s) => s.secret);
    await dispatcher();
    await Promise.all([h.append(tenant, 'ses_a', 15), h.append(tenant, 'ses_b', 15)]);
    await waitFor('30 acknowledged deliveries', () => r.acknowledged.length >= 30);
    expect(r.deliveries.every((d) => d.verified)).toBe(true);
    const bySession = seqsBySession(r.acknowledged);
    expect(bySession.get('ses_a')).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(bySession.get('ses_b')).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    for (const d of r.acknowledged) expect(d.id).toBe(d.event.eventId);
  });

  it('sends only the chosen types and sessions, and none of another tenant', async () => {
    const tenant = `t-${Date.now()}-f`;
    const r = await receiver('whsec_x');
    const endpoint = await h.addEndpoint(tenant, r.url, {
      events: ['session:connected'],
      sessionIds: ['ses_f1'],
    });
    r.secrets = endpoint.secrets.map((s) => s.secret);
    const all = await receiver('whsec_x');
    const other = await h.addEndpoint(`${tenant}-other`, all.url);
    all.secrets = other.secrets.map((s) => s.secret);
    await dispatcher();
    await h.append(tenant, 'ses_f1', 2);
    await h.append(tenant, 'ses_f1', 1, 'session:connected');
    await h.append(tenant, 'ses_f2', 1, 'session:connected');
    await h.append(`${tenant}-other`, 'ses_o', 1);
    await waitFor('the connected event', () => r.acknowledged.length >= 1);
    await waitFor('the other tenant’s event', () => all.acknowledged.length >= 1);
    // Anything wrongly sent would have been sent before the other tenant's, the log being drained in order.
    await waitFor(
      'cursor past the filtered events',
      async () => (await h.cursors.due(Date.now() + 1e9, 50)).length === 0,
    );
    expect(r.acknowledged.map((d) => [d.event.sessionId, d.event.type, d.event.seq])).toEqual([
      ['ses_f1', 'session:connected', 3],
    ]);
    expect(all.acknowledged.map((d) => d.event.sessionId)).toEqual(['ses_o']);
  });

  it('delivers everything in order after the receiver was down for a while', async () => {
    const tenant = `t-${Date.now()}-down`;
    let up = false;
    const r = await receiver('whsec_x', () => (up ? 200 : 503));
    const endpoint = await h.addEndpoint(tenant, r.url);
    r.secrets = endpoint.secrets.map((s) => s.secret);
    await dispatcher({
      [ENV.webhookRetryDelaysMs]:
        '100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100',
    });
    await h.append(tenant, 'ses_d', 10);
    await waitFor('a few refused attempts', () => r.deliveries.length >= 3);
    // Nothing after the first event is sent while the first is not acknowledged.
    expect(new Set(r.deliveries.map((d) => d.event.seq))).toEqual(new Set([1]));
    up = true;
    await waitFor('10 acknowledged', () => r.acknowledged.length >= 10);
    expect(gapFree(r.acknowledged.map((d) => Number(d.event.seq)))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('dead-letters after the schedule while the receiver answers 500, and a replay delivers them once it answers 200', async () => {
    const tenant = `t-${Date.now()}-dl`;
    let status = 500;
    const r = await receiver('whsec_x', () => status);
    const endpoint = await h.addEndpoint(tenant, r.url);
    r.secrets = endpoint.secrets.map((s) => s.secret);
    await dispatcher();
    await h.append(tenant, 'ses_dl', 3);
    const dead = await waitFor('3 dead letters', async () => {
      const d = await h.deliveries.deadLetters(endpoint.endpointId);
      return d.length === 3 && d;
    });
    // The test schedule is 3 retries: 4 attempts per event.
    expect(dead.map((d) => [d.seq, d.attempts.length, d.attempts.every((a) => a.status === 500)])).toEqual([
      [1, 4, true],
      [2, 4, true],
      [3, 4, true],
    ]);
    expect(r.acknowledged).toHaveLength(0);
    status = 200;
    await replayDeliveries({ cursors: h.cursors, deliveries: h.deliveries }, endpoint, {}, Date.now());
    await waitFor('3 acknowledged after replay', () => r.acknowledged.length >= 3);
    expect(r.acknowledged.map((d) => d.event.seq)).toEqual([1, 2, 3]);
  });

  it('disables an endpoint that answers 410 and sends it nothing more', async () => {
    const tenant = `t-${Date.now()}-gone`;
    const r = await receiver('whsec_x', () => 410);
    const endpoint = await h.addEndpoint(tenant, r.url);
    r.secrets = endpoint.secrets.map((s) => s.secret);
    await dispatcher();
    await h.append(tenant, 'ses_g', 3);
    const disabled = await waitFor('endpoint disabled', async () => {
      const e = await h.endpoints.get(tenant, endpoint.endpointId);
      return e?.enabled === false && e;
    });
    expect(disabled.disabledReason).toBe('gone');
    await h.append(tenant, 'ses_g', 2);
    await waitFor(
      'the new events marked',
      async () => (await h.cursors.due(Date.now() + 1e9, 50)).length === 0,
    );
    expect(r.deliveries.map((d) => d.event.seq)).toEqual([1]);
  });

  it('a 410 disables the endpoint and appends one webhook:disabled event to the session log, delivered to another endpoint', async () => {
    const tenant = `t-${Date.now()}-dis`;
    const gone = await receiver('whsec_x', () => 410);
    const watcher = await receiver('whsec_x');
    // The event names the URL without its query (it may hold a receiver's token).
    const goneEndpoint = await h.addEndpoint(tenant, `${gone.url}?token=hidden`);
    const watching = await h.addEndpoint(tenant, watcher.url, { events: ['webhook:disabled'] });
    gone.secrets = goneEndpoint.secrets.map((s) => s.secret);
    watcher.secrets = watching.secrets.map((s) => s.secret);
    await dispatcher();
    await h.append(tenant, 'ses_dis', 1);
    const told = await waitFor('webhook:disabled at the second endpoint', () => watcher.acknowledged[0]);
    expect(told.verified).toBe(true);
    expect(told.event).toMatchObject({ type: 'webhook:disabled', sessionId: 'ses_dis', seq: 2 });
    const disabled = await h.endpoints.get(tenant, goneEndpoint.endpointId);
    expect(disabled?.enabled).toBe(false);
    expect(told.event.data).toEqual({
      webhookId: goneEndpoint.endpointId,
      url: gone.url,
      reason: 'gone',
      disabledAt: new Date(disabled?.disabledAt ?? 0).toISOString(),
    });
    await waitFor('every cursor idle', async () => (await h.cursors.due(Date.now() + 1e9, 50)).length === 0);
    const logged = (await h.log.after('ses_dis', 0, 50)).map((e) => [e.seq, e.type]);
    expect(logged).toEqual([
      [1, 'session:message'],
      [2, 'webhook:disabled'],
    ]);
    expect(watcher.acknowledged).toHaveLength(1);
  });

  it('disables an endpoint failing continuously past the threshold, with a webhook:disabled event', async () => {
    const tenant = `t-${Date.now()}-fail`;
    const failing = await receiver('whsec_x', () => 500);
    const endpoint = await h.addEndpoint(tenant, failing.url);
    failing.secrets = endpoint.secrets.map((s) => s.secret);
    await dispatcher({
      [ENV.webhookRetryDelaysMs]: Array.from({ length: 50 }, () => '100').join(','),
      [ENV.webhookDisableAfterMs]: '600',
    });
    await h.append(tenant, 'ses_fail', 1);
    const disabled = await waitFor('endpoint disabled for failing', async () => {
      const e = await h.endpoints.get(tenant, endpoint.endpointId);
      return e?.enabled === false && e;
    });
    expect(disabled.disabledReason).toBe('failing');
    // Well short of the 50-retry schedule: the threshold, not the schedule, stopped it.
    expect(failing.deliveries.length).toBeLessThan(40);
    const event = await waitFor('the webhook:disabled event in the log', async () =>
      (await h.log.after('ses_fail', 0, 50)).find((e) => e.type === 'webhook:disabled'),
    );
    expect(event.data).toMatchObject({ webhookId: endpoint.endpointId, reason: 'failing' });
    const attemptsAtDisable = failing.deliveries.length;
    await h.append(tenant, 'ses_fail', 1);
    await waitFor('every cursor idle', async () => (await h.cursors.due(Date.now() + 1e9, 50)).length === 0);
    expect(failing.deliveries.length).toBe(attemptsAtDisable);
  });

  it('a dispatcher that stopped between disabling and telling: the next drain appends the webhook:disabled event, once', async () => {
    const tenant = `t-${Date.now()}-crash`;
    const endpoint = await h.addEndpoint(tenant, 'http://127.0.0.1:9/hooks?k=v');
    await h.append(tenant, 'ses_crash', 1);
    // What a dispatcher killed right after its conditional disable leaves behind.
    const disabled = await h.endpoints.disable(tenant, endpoint.endpointId, 'gone', Date.now());
    expect(disabled?.enabled).toBe(false);
    expect(await h.endpoints.disable(tenant, endpoint.endpointId, 'gone', Date.now())).toBeUndefined();
    const silent = createLogger({ name: 'crash-test', level: 'silent' });
    const posted: string[] = [];
    const dispatcher = new WebhookDispatcher({
      endpoints: h.endpoints,
      cursors: h.cursors,
      deliveries: h.deliveries,
      events: h.log,
      post: async (url) => {
        posted.push(url);
        return { status: 200, durationMs: 1 };
      },
      log: silent,
      owner: 'crash-test',
      leaseMs: 5_000,
      retryDelaysMs: [100],
      disableAfterMs: 60_000,
      deliveryRetentionSeconds: 3_600,
    });
    const key = { endpointId: endpoint.endpointId, sessionId: 'ses_crash' };
    for (let i = 0; i < 2; i++) {
      await h.cursors.markDirty(key, tenant, Date.now());
      await dispatcher.drain(key, tenant);
    }
    const logged = await h.log.after('ses_crash', 0, 50);
    expect(logged.map((e) => e.type)).toEqual(['session:message', 'webhook:disabled']);
    expect(logged[1]?.data).toEqual({
      webhookId: endpoint.endpointId,
      url: 'http://127.0.0.1:9/hooks',
      reason: 'gone',
      disabledAt: new Date(disabled?.disabledAt ?? 0).toISOString(),
    });
    expect(posted).toEqual([]);
  });

  it('a receiver that never answers does not slow deliveries to a second endpoint', async () => {
    const tenant = `t-${Date.now()}-slow`;
    const hanging = await receiver('whsec_x', () => 'hang');
    const fast = await receiver('whsec_x');
    const slowEndpoint = await h.addEndpoint(tenant, hanging.url);
    const fastEndpoint = await h.addEndpoint(tenant, fast.url);
    hanging.secrets = slowEndpoint.secrets.map((s) => s.secret);
    fast.secrets = fastEndpoint.secrets.map((s) => s.secret);
    // Request timeout 5 s: while the first attempt to the hanging receiver is pending, the other endpoint gets all 20.
    await dispatcher({ [ENV.webhookTimeoutMs]: '5000' });
    await h.append(tenant, 'ses_s', 20);
    await waitFor('20 fast deliveries', () => fast.acknowledged.length >= 20);
    // Measured as counts: every event reached the fast endpoint while the hanging one still holds its first.
    expect(hanging.deliveries.map((d) => d.event.seq)).toEqual([1]);
    expect(fast.acknowledged.map((d) => d.event.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
