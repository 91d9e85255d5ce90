import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDestination, type Resolve } from '#commons/webhooks/webhook-poster.ts';
import type { createApp } from '../../functions/api/app.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../infra/local/webhook-receiver.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';
import { OPERATOR_TENANT, signToken } from './support/api-harness.ts';
import { webhookApp } from './support/webhook-app.ts';

/**
 * Property, for the webhook and tenant-limit routes: no input answers 5xx,
 * every 4xx carries a stable code, a refused write changes nothing, and
 * whatever was stored passes the destination check.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const MODE = 'loopback-http';
// No DNS works here: names resolve only through this table.
const resolve: Resolve = async (host) => {
  const address = { 'rebind.test': '127.0.0.1', 'private.test': '10.1.2.3' }[host];
  if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return [{ address, family: 4 }];
};

let aws: TestAws;
let receiver: WebhookReceiver;
let app: ReturnType<typeof createApp>;
let admin: string;
let master: string;
let mine: string;
let theirs: string;

beforeAll(async () => {
  aws = await createTestAws('fuzzwh');
  receiver = await startWebhookReceiver({ secrets: [] });
  app = webhookApp(aws, MODE, resolve);
  admin = await signToken({ tenant: 'acme' });
  master = await signToken({ tenant: OPERATOR_TENANT, role: 'MASTER' });
  mine = await create(admin);
  theirs = await create(await signToken({ tenant: 'globex' }));
});
afterAll(async () => {
  await receiver?.close();
  aws?.destroy();
});

async function create(token: string): Promise<string> {
  const res = await call('POST', '/v1/webhooks', JSON.stringify({ url: receiver.url, events: ['*'] }), token);
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
}

async function call(method: string, path: string, body?: string, as = admin) {
  const headers: Record<string, string> = { authorization: `Bearer ${as}` };
  // A GET or DELETE with a body cannot be built by fetch; callers' bodies are dropped there.
  if (method === 'GET') body = undefined;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await app.request(path, { method, headers, ...(body !== undefined && { body }) });
  const payload = await res.text();
  if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status} ${payload}`);
  const parsed = payload ? (JSON.parse(payload) as Record<string, unknown>) : undefined;
  if (res.status >= 400) expect((parsed?.error as { code?: string } | undefined)?.code).toMatch(/^[A-Z_]+$/);
  return { status: res.status, body: parsed };
}

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary' }),
);
const anyJson = fc.oneof(fc.jsonValue(), fc.anything());
const hostileUrl = fc.oneof(
  fc.constantFrom(
    'http://2130706433/',
    'http://0x7f.1/',
    'http://127.0.0.1./',
    'http://[::ffff:127.0.0.1]/',
    'http://[::127.0.0.1]/',
    'http://[fe80::1%25eth0]/',
    'https://example.com@127.0.0.1/',
    'http://rebind.test/',
    'http://private.test/',
    'http://localtest.me/',
    'http://169.254.169.254/latest/',
    'http://127.0.0.1:99999/',
    'javascript:alert(1)',
  ),
  fc.webUrl(),
  text,
);
const events = fc.oneof(
  fc.array(fc.constantFrom('*', 'qr', 'session:message', 'webhook:disabled'), { minLength: 1, maxLength: 3 }),
  fc.array(text, { maxLength: 25 }),
  anyJson,
);
const sessionIds = fc.oneof(
  fc.array(fc.stringMatching(/^ses_[a-z2-7]{20}$/), { minLength: 1, maxLength: 3 }),
  fc.array(text, { maxLength: 3 }),
  fc.constant(null),
  anyJson,
);
const nearWebhook = fc.record(
  {
    url: fc.oneof(fc.constant('RECEIVER'), hostileUrl, fc.integer(), fc.constant(null)),
    events,
    sessionIds,
    description: fc.oneof(text, fc.string({ minLength: 500, maxLength: 600 }), fc.integer()),
    enabled: fc.oneof(fc.boolean(), text),
    extra: anyJson,
  },
  { requiredKeys: [] },
);
const validWebhook = fc.record(
  {
    url: fc.constant('RECEIVER'),
    events: fc.array(fc.constantFrom('*', 'qr', 'session:message'), { minLength: 1, maxLength: 3 }),
    description: fc.string({ maxLength: 40 }),
    enabled: fc.boolean(),
  },
  { requiredKeys: ['url', 'events'] },
);
// A well-formed body whose only fault is its destination: the SSRF guard must refuse it cleanly.
const hostileDestination = fc.record({ url: hostileUrl, events: fc.constant(['*']) });
const bodyArb = fc.oneof(
  validWebhook.map((b) => JSON.stringify(b).replace('"RECEIVER"', JSON.stringify(receiver.url))),
  hostileDestination.map((b) => JSON.stringify(b)),
  nearWebhook.map((b) => JSON.stringify(b).replace('"RECEIVER"', JSON.stringify(receiver.url))),
  anyJson.map((b) => JSON.stringify(b) ?? 'null'),
  text,
);
const idArb = fc.oneof(
  fc.constantFrom('MINE', 'THEIRS', 'whk_aaaaaaaaaaaaaaaaaaaa', '..', '%2e%2e', 'whk_', 'whk_a/../b'),
  fc.stringMatching(/^whk_[A-Za-z0-9]{20}$/),
  text,
);
const query = fc.dictionary(fc.constantFrom('limit', 'status', 'after', 'tenantId', 'x'), text, {
  maxKeys: 4,
});
const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();
const pathOf = (id: string) => (id === 'MINE' ? mine : id === 'THEIRS' ? theirs : encodeURIComponent(id));

describe('fuzzing the webhook and tenant-limit routes', () => {
  it('POST /v1/webhooks never answers 5xx and stores only destinations that pass the check', async () => {
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(bodyArb, async (body) => {
        const res = await call('POST', '/v1/webhooks', body);
        statuses.push(res.status);
        if (res.status === 201) {
          const created = res.body as { id: string; url: string };
          await expect(checkDestination(created.url, MODE, resolve)).resolves.toBeDefined();
          expect((await call('DELETE', `/v1/webhooks/${created.id}`)).status).toBe(204);
        }
      }),
      { numRuns: RUNS },
    );
    expect(statuses).toContain(201);
    expect(statuses).toContain(400);
  });

  it('webhook id routes never answer 5xx, and a refused write changes nothing', async () => {
    const route = fc.constantFrom(
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/rotate-secret'],
      ['POST', '/test'],
      ['GET', '/deliveries'],
      ['POST', '/replay'],
    );
    await fc.assert(
      fc.asyncProperty(route, idArb, query, fc.option(bodyArb), async ([method, suffix], id, q, body) => {
        // Deleting this tenant's endpoint would end the property's reach: keep it.
        if (method === 'DELETE' && id === 'MINE') return;
        const before = await call('GET', `/v1/webhooks/${mine}`);
        const theirsBefore = await call('GET', `/v1/webhooks/${theirs}?tenantId=globex`, undefined, master);
        const res = await call(
          method as string,
          `/v1/webhooks/${pathOf(id)}${suffix}?${qs(q)}`,
          body ?? undefined,
        );
        // 403: a tenantId query naming another tenant, refused before the id is looked at.
        if (id === 'THEIRS') expect([400, 403, 404]).toContain(res.status);
        if (res.status >= 400 || id !== 'MINE') {
          expect((await call('GET', `/v1/webhooks/${mine}`)).body).toEqual(before.body);
        }
        const theirsAfter = await call('GET', `/v1/webhooks/${theirs}?tenantId=globex`, undefined, master);
        expect(theirsAfter.body).toEqual(theirsBefore.body);
        const stored = (await call('GET', `/v1/webhooks/${mine}`)).body as { url: string };
        await expect(checkDestination(stored.url, MODE, resolve)).resolves.toBeDefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('tenant limits never answer 5xx, only the operator MASTER changes them, and a refusal changes nothing', async () => {
    const tokens = fc.constantFrom('master', 'admin', 'foreign-master');
    const tenantPath = fc.oneof(fc.constantFrom('acme', 'ops', '..', '%2e%2e', 'a'.repeat(65)), text);
    const limitsBody = fc.oneof(
      fc
        .record(
          {
            maxSessions: fc.oneof(
              fc.integer({ min: -5, max: 200_000 }),
              fc.double(),
              text,
              fc.constant(null),
            ),
            maxRunningSessions: fc.oneof(fc.integer({ min: -5, max: 20_000 }), text, fc.constant(null)),
            extra: anyJson,
          },
          { requiredKeys: [] },
        )
        .map((b) => JSON.stringify(b)),
      anyJson.map((b) => JSON.stringify(b) ?? 'null'),
      text,
    );
    const anyCase = fc.tuple(tokens, tenantPath, fc.option(limitsBody), query);
    // Weighted in so that the success path is reached too, not only refusals.
    const validCase = fc.tuple(
      fc.constant('master' as const),
      fc.constant('acme'),
      fc.option(
        fc
          .record(
            { maxSessions: fc.nat({ max: 1000 }), maxRunningSessions: fc.nat({ max: 1000 }) },
            { requiredKeys: [] },
          )
          .map((b) => JSON.stringify(b)),
      ),
      fc.constant({}),
    );
    const foreign = await signToken({ tenant: 'acme', role: 'MASTER' });
    const as = { master, admin, 'foreign-master': foreign };
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyCase, validCase), async ([who, tenant, body, q]) => {
        const before = await call('GET', '/v1/tenants/acme/limits', undefined, master);
        const method = body === null ? 'GET' : 'PUT';
        const path = `/v1/tenants/${encodeURIComponent(tenant)}/limits?${qs(q)}`;
        const res = await call(method, path, body ?? undefined, as[who]);
        statuses.push(res.status);
        // An empty tenant segment matches no route (404 NOT_FOUND).
        if (who !== 'master') expect([400, 403, 404]).toContain(res.status);
        if (res.status >= 400) {
          expect((await call('GET', '/v1/tenants/acme/limits', undefined, master)).body).toEqual(before.body);
        }
      }),
      { numRuns: RUNS },
    );
    expect(statuses).toContain(200);
    expect(statuses).toContain(403);
  });

  it('a deliveries page cursor that is not a `next` value is refused with 400', async () => {
    for (const after of [
      'garbage',
      '',
      'ses_aaaaaaaaaaaaaaaaaaaa#1',
      `ses_aaaaaaaaaaaaaaaaaaaa#${'9'.repeat(12)}x`,
    ]) {
      const res = await call('GET', `/v1/webhooks/${mine}/deliveries?after=${encodeURIComponent(after)}`);
      expect([res.status, (res.body as { error?: { code?: string } }).error?.code]).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
    }
    const ok = await call(
      'GET',
      `/v1/webhooks/${mine}/deliveries?after=${encodeURIComponent(`ses_aaaaaaaaaaaaaaaaaaaa#${'0'.repeat(11)}5`)}`,
    );
    expect(ok.status).toBe(200);
  });

  it('a description with control characters is refused and stores nothing', async () => {
    for (const description of ['a\u0000b', 'line\nbreak', '\u001b[31mred']) {
      const res = await call('PATCH', `/v1/webhooks/${mine}`, JSON.stringify({ description }));
      expect([res.status, (res.body as { error?: { code?: string } }).error?.code]).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
    }
    expect(
      (await call('PATCH', `/v1/webhooks/${mine}`, JSON.stringify({ description: 'Ünïcode ✓ fine' }))).status,
    ).toBe(200);
  });
});
