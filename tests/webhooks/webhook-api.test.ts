import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationMode } from '#commons/webhooks/address-policy.ts';
import { verdictOf } from '#commons/webhooks/retry-schedule.ts';
import { postWebhook, type Resolve } from '#commons/webhooks/webhook-poster.ts';
import { newSigningSecret, signedHeaders } from '#commons/webhooks/webhook-signing.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../infra/local/webhook-receiver.ts';
import { signToken } from '../api/support/api-harness.ts';
import { webhookApp } from '../api/support/webhook-app.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';
import { waitFor } from './webhook-harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read as loose JSON in assertions
type Body = Record<string, any>;

/** Names the tests resolve; anything else does not resolve. */
const NAMES: Record<string, string> = {
  'public.test': '93.184.216.34',
  'rebind.test': '127.0.0.1',
  'private.test': '10.1.2.3',
  'v6.test': '::1',
};
let resolveOverride: Record<string, string> = {};
const resolve: Resolve = async (host) => {
  const address = resolveOverride[host] ?? NAMES[host];
  if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

let aws: TestAws;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  resolveOverride = {};
  while (cleanups.length > 0) await cleanups.pop()?.();
});
beforeAll(async () => {
  aws = await createTestAws('wha');
});
afterAll(() => aws.destroy());

function app(mode: DestinationMode, overlapSeconds = 86_400) {
  const built = webhookApp(aws, mode, resolve, { timeoutMs: 2_000, rotationOverlapSeconds: overlapSeconds });
  return async (method: string, path: string, token: string, body?: unknown) => {
    const res = await built.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Body };
  };
}

async function receiver(secrets: string[] = []): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver({ secrets });
  cleanups.push(() => r.close());
  return r;
}

describe('webhook endpoints API', () => {
  it('creates an endpoint, shows its secret once, and keeps it to its tenant', async () => {
    const call = app('strict');
    const tenant = `acme${Date.now()}`;
    const token = await signToken({ tenant });
    const created = await call('POST', '/v1/webhooks', token, {
      url: 'https://public.test/hooks',
      events: ['session:message', 'qr'],
      description: 'crm',
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const id = created.body.id as string;
    const got = await call('GET', `/v1/webhooks/${id}`, token);
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.body)).not.toContain(created.body.secret);
    expect(got.body).toMatchObject({
      id,
      url: 'https://public.test/hooks',
      events: ['session:message', 'qr'],
      enabled: true,
    });
    const listed = await call('GET', '/v1/webhooks', token);
    expect(listed.body.webhooks.map((w: { id: string }) => w.id)).toEqual([id]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');

    const other = await signToken({ tenant: `${tenant}x` });
    expect((await call('GET', `/v1/webhooks/${id}`, other)).body.error.code).toBe('WEBHOOK_NOT_FOUND');
    expect((await call('DELETE', `/v1/webhooks/${id}`, other)).status).toBe(404);

    const patched = await call('PATCH', `/v1/webhooks/${id}`, token, { events: ['*'], enabled: false });
    expect(patched.body).toMatchObject({ events: ['*'], enabled: false, disabledReason: 'manual' });
    expect((await call('DELETE', `/v1/webhooks/${id}`, token)).status).toBe(204);
    expect((await call('GET', `/v1/webhooks/${id}`, token)).status).toBe(404);
  });

  it.each([
    ['no url', { events: ['*'] }],
    ['an unknown event type', { url: 'https://public.test/', events: ['nope'] }],
    ['no events', { url: 'https://public.test/', events: [] }],
    ['a bad session id', { url: 'https://public.test/', events: ['*'], sessionIds: ['x'] }],
    ['an unknown field', { url: 'https://public.test/', events: ['*'], apiKey: 'k' }],
  ])('refuses a body with %s as VALIDATION_FAILED', async (_name, body) => {
    const res = await app('strict')('POST', '/v1/webhooks', await signToken({ tenant: 'val' }), body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses an endpoint past the per-tenant limit with WEBHOOK_LIMIT_REACHED', async () => {
    const call = app('strict');
    const token = await signToken({ tenant: `lim${Date.now()}` });
    for (let i = 0; i < 10; i++) {
      expect(
        (await call('POST', '/v1/webhooks', token, { url: `https://public.test/${i}`, events: ['*'] }))
          .status,
      ).toBe(201);
    }
    const over = await call('POST', '/v1/webhooks', token, { url: 'https://public.test/11', events: ['*'] });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('WEBHOOK_LIMIT_REACHED');
  });

  it('holds the per-tenant limit under 20 concurrent creates, and a delete frees a place', async () => {
    const call = app('strict');
    const token = await signToken({ tenant: `race${Date.now()}` });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('POST', '/v1/webhooks', token, { url: `https://public.test/r${i}`, events: ['*'] }),
      ),
    );
    const created = statuses.filter((r) => r.status === 201);
    expect(created).toHaveLength(10);
    expect(
      statuses.filter((r) => r.status === 409).every((r) => r.body.error.code === 'WEBHOOK_LIMIT_REACHED'),
    ).toBe(true);
    expect(statuses.filter((r) => r.status !== 201 && r.status !== 409)).toEqual([]);
    expect((await call('GET', '/v1/webhooks', token)).body.webhooks).toHaveLength(10);
    expect((await call('DELETE', `/v1/webhooks/${created[0]?.body.id}`, token)).status).toBe(204);
    expect(
      (await call('POST', '/v1/webhooks', token, { url: 'https://public.test/again', events: ['*'] })).status,
    ).toBe(201);
    expect(
      (await call('POST', '/v1/webhooks', token, { url: 'https://public.test/over', events: ['*'] })).status,
    ).toBe(409);
  });
});

/** Destinations refused in strict (cloud) mode, at save and at delivery. */
const SSRF_CASES: [string, string][] = [
  ['plain http', 'http://public.test/hooks'],
  ['loopback', 'https://127.0.0.1/hooks'],
  ['loopback, other spelling', 'https://127.1/hooks'],
  ['private 10/8', 'https://10.0.0.5/hooks'],
  ['private 192.168/16', 'https://192.168.1.1/hooks'],
  ['link-local', 'https://169.254.10.10/hooks'],
  ['AWS metadata', 'https://169.254.169.254/latest/meta-data/'],
  ['AWS metadata over IPv6', 'https://[fd00:ec2::254]/latest/'],
  ['CGNAT', 'https://100.64.0.1/hooks'],
  ['unspecified', 'https://0.0.0.0/hooks'],
  ['multicast', 'https://224.0.0.1/hooks'],
  ['IPv6 loopback', 'https://[::1]/hooks'],
  ['IPv6 link-local', 'https://[fe80::1]/hooks'],
  ['IPv6 unique local', 'https://[fd12:3456::1]/hooks'],
  ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/hooks'],
  ['IPv4-mapped IPv6 metadata', 'https://[::ffff:a9fe:a9fe]/hooks'],
  ['a name that resolves to 127.0.0.1', 'https://rebind.test/hooks'],
  ['a name that resolves to a private address', 'https://private.test/hooks'],
  ['a name that resolves to ::1', 'https://v6.test/hooks'],
  ['a name that does not resolve', 'https://nowhere.test/hooks'],
  ['credentials in the URL', 'https://user:pass@public.test/hooks'],
  ['another scheme', 'ftp://public.test/hooks'],
];

describe('SSRF guard', () => {
  it.each(SSRF_CASES)('refuses %s when an endpoint is saved', async (_name, url) => {
    const res = await app('strict')('POST', '/v1/webhooks', await signToken({ tenant: 'ssrf' }), {
      url,
      events: ['*'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('WEBHOOK_URL_REFUSED');
  });

  it.each(SSRF_CASES)('refuses %s at delivery, without a connection', async (_name, url) => {
    const result = await postWebhook(url, {}, '{}', {
      mode: 'strict',
      timeoutMs: 2000,
      maxResponseBytes: 1024,
      resolve,
    });
    expect(result.status).toBeUndefined();
    expect(result.error).toBe('DESTINATION_REFUSED');
  });

  it('refuses at delivery a saved name that now resolves to loopback (no request reaches the receiver)', async () => {
    const r = await receiver();
    resolveOverride = { 'public.test': '127.0.0.1' };
    const result = await postWebhook(`https://public.test:${r.port}/hooks`, {}, '{}', {
      mode: 'strict',
      timeoutMs: 2000,
      maxResponseBytes: 1024,
      resolve,
    });
    expect(result.error).toBe('DESTINATION_REFUSED');
    expect(r.deliveries).toHaveLength(0);
  });

  it('connects to the address it checked, not to what the name resolves to afterwards', async () => {
    const r = await receiver();
    let lookups = 0;
    // First answer passes the check (loopback mode); any later lookup would point elsewhere.
    const flipping: Resolve = async () => {
      lookups += 1;
      return [{ address: lookups === 1 ? '127.0.0.1' : '10.9.9.9', family: 4 }];
    };
    const result = await postWebhook(`http://flip.test:${r.port}/hooks`, {}, '{}', {
      mode: 'loopback-http',
      timeoutMs: 2000,
      maxResponseBytes: 1024,
      resolve: flipping,
    });
    expect(lookups).toBe(1);
    expect(r.deliveries).toHaveLength(1);
    expect(result.error).toBe(undefined);
  });

  it('never follows a redirect to a private address: a 3xx is a failed attempt', async () => {
    const secret = newSigningSecret();
    const r = await receiver([secret]);
    r.respond = () => 302;
    // The receiver redirects to http://10.0.0.1/ (loopback mode allows only loopback anyway).
    const headers = signedHeaders([secret], 'evt_1', Math.floor(Date.now() / 1000), '{}');
    const result = await postWebhook(r.url, { ...headers }, '{}', {
      mode: 'loopback-http',
      timeoutMs: 2000,
      maxResponseBytes: 1024,
    });
    expect(verdictOf(result.status)).toBe('failed');
    expect(result.status).toBe(302);
    expect(r.deliveries).toHaveLength(1);
  });

  it('reads at most the response cap of a large answer', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(200);
      res.end('x'.repeat(1_000_000));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    cleanups.push(() => new Promise((ok) => server.close(() => ok())));
    const port = (server.address() as { port: number }).port;
    const result = await postWebhook(`http://127.0.0.1:${port}/`, {}, '{}', {
      mode: 'loopback-http',
      timeoutMs: 2000,
      maxResponseBytes: 1024,
    });
    expect(result.status).toBe(200);
    expect(result.responseBody).toHaveLength(1024);
  });

  it('local mode accepts loopback http receivers only', async () => {
    const call = app('loopback-http');
    const token = await signToken({ tenant: `loc${Date.now()}` });
    expect(
      (await call('POST', '/v1/webhooks', token, { url: 'http://127.0.0.1:9/h', events: ['*'] })).status,
    ).toBe(201);
    for (const url of ['http://10.0.0.1/h', 'http://public.test/h', 'https://169.254.169.254/']) {
      expect((await call('POST', '/v1/webhooks', token, { url, events: ['*'] })).body.error.code).toBe(
        'WEBHOOK_URL_REFUSED',
      );
    }
  });
});

describe('secret rotation', () => {
  it('signs with both secrets during the overlap and only with the new one after it', async () => {
    const call = app('loopback-http', 1);
    const token = await signToken({ tenant: `rot${Date.now()}` });
    const oldOnly = await receiver();
    const created = await call('POST', '/v1/webhooks', token, { url: oldOnly.url, events: ['*'] });
    const id = created.body.id as string;
    oldOnly.secrets = [created.body.secret];
    const rotated = await call('POST', `/v1/webhooks/${id}/rotate-secret`, token);
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).not.toBe(created.body.secret);

    // During the overlap: a receiver holding only the old secret and one holding only the new both verify.
    expect((await call('POST', `/v1/webhooks/${id}/test`, token)).body.delivered).toBe(true);
    expect(oldOnly.deliveries.at(-1)?.verified).toBe(true);
    expect(oldOnly.deliveries.at(-1)?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    oldOnly.secrets = [newSecret];
    expect((await call('POST', `/v1/webhooks/${id}/test`, token)).body.delivered).toBe(true);
    expect(oldOnly.deliveries.at(-1)?.event.type).toBe('webhook:test');

    const expiresAt = Date.parse(rotated.body.previousSecretExpiresAt);
    await waitFor('the overlap to end', () => Date.now() > expiresAt + 10);
    oldOnly.secrets = [created.body.secret];
    expect((await call('POST', `/v1/webhooks/${id}/test`, token)).body.delivered).toBe(false);
    expect(oldOnly.deliveries.at(-1)?.verified).toBe(false);
    oldOnly.secrets = [newSecret];
    expect((await call('POST', `/v1/webhooks/${id}/test`, token)).body.delivered).toBe(true);
    expect(oldOnly.deliveries.at(-1)?.headers['webhook-signature']?.split(' ')).toHaveLength(1);
  });
});
