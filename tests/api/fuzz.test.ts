import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_ID_PATTERN } from '#commons/domain/ids.ts';
import { sessionRecordSchema } from '#commons/domain/session-record.ts';
import { type ApiHarness, createApiHarness, signToken } from './support/api-harness.ts';

/**
 * Property: no input to any route produces a 5xx, and whatever the routes
 * stored afterwards is a valid record.
 */
let h: ApiHarness;
let token: string;
let connected: string;
let waiting: string;
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);

beforeAll(async () => {
  h = await createApiHarness('fuzz');
  token = await h.adminToken('acme');
  await h.putHost({ hostId: 'h-fuzz', expiresAt: 4_000_000_000 });
  connected = await h.createSession(token, { name: 'connected' });
  await h.request('POST', `/v1/sessions/${connected}/start`, { token });
  await h.hostWrites(connected, { status: 'CONNECTED', epoch: 1 });
  for (let i = 0; i < 5; i++) {
    await h.events.append({ type: 'session:status', tenantId: 'acme', sessionId: connected, data: { i } });
  }
  waiting = await h.createSession(token, { name: 'waiting' });
  await h.request('POST', `/v1/sessions/${waiting}/start`, { token });
  await h.hostWrites(waiting, {
    status: 'QR',
    epoch: 1,
    qr: { value: '2@fuzz', seq: 1, expiresAt: '2099-01-01T00:00:00.000Z' },
  });
});
afterAll(() => h.destroy());

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const idArb = fc.oneof(
  fc.constantFrom(
    'ses_aaaaaaaaaaaaaaaaaaaa',
    '..',
    '%2e%2e',
    'ses_',
    'SES_AAAAAAAAAAAAAAAAAAAA',
    'ses_aaaaaaaaaaaaaaaaaaaa/../x',
  ),
  fc.stringMatching(/^ses_[a-z2-7]{20}$/),
  text,
);
const anyJson = fc.oneof(fc.jsonValue(), fc.anything());
const nearSession = fc.record(
  {
    name: fc.oneof(
      text,
      fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,70}$/),
      fc.integer(),
      fc.constant(null),
    ),
    phoneNumber: fc.oneof(text, fc.stringMatching(/^\+?[0-9 ()-]{0,30}$/), fc.integer()),
    metadata: fc.oneof(
      fc.dictionary(
        fc.string({ maxLength: 70 }),
        fc.oneof(fc.string({ maxLength: 600 }), fc.double(), fc.boolean(), fc.constant(null)),
        { maxKeys: 40 },
      ),
      anyJson,
    ),
    extra: anyJson,
  },
  { requiredKeys: [] },
);
const validSession = fc.record(
  {
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
    phoneNumber: fc.stringMatching(/^[1-9][0-9]{6,14}$/),
    metadata: fc.dictionary(
      fc.stringMatching(/^[a-z]{1,10}$/),
      fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
      {
        maxKeys: 5,
      },
    ),
  },
  { requiredKeys: [] },
);
const nearMessage = fc.record(
  {
    to: fc.oneof(text, fc.stringMatching(/^\+?[0-9]{5,16}(@s\.whatsapp\.net|@g\.us)?$/), fc.integer()),
    text: fc.oneof(text, fc.string({ minLength: 4000, maxLength: 4200 }), fc.constant('')),
    idempotencyKey: fc.oneof(text, fc.stringMatching(/^[A-Za-z0-9._:-]{1,130}$/)),
  },
  { requiredKeys: [] },
);
const bodyArb = (near: fc.Arbitrary<unknown>) =>
  fc.oneof(
    near.map((b) => ({ body: JSON.stringify(b) })),
    anyJson.map((b) => ({ body: JSON.stringify(b) ?? 'null' })),
    text.map((raw) => ({ body: raw })),
  );
const query = fc.dictionary(fc.constantFrom('limit', 'cursor', 'status', 'format', 'tenantId', 'x'), text, {
  maxKeys: 4,
});

async function call(method: string, path: string, body?: string, as = token): Promise<number> {
  const headers: Record<string, string> = { authorization: `Bearer ${as}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await h.app.request(path, { method, headers, ...(body !== undefined && { body }) });
  const payload = await res.text();
  if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status} ${payload}`);
  if (res.status >= 400) expect(JSON.parse(payload).error.code).toMatch(/^[A-Z_]+$/);
  return res.status;
}

const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();
const idPath = (id: string) => encodeURIComponent(id);

describe('fuzzing every route', () => {
  it('POST /v1/sessions never answers 5xx', async () => {
    const statuses: number[] = [];
    await fc.assert(
      // Valid bodies and empty queries are weighted in: fully random ones reached 201 in only about
      // four runs of five, which made the success-path assertion below flaky.
      fc.asyncProperty(
        fc.oneof(
          bodyArb(nearSession),
          validSession.map((b) => ({ body: JSON.stringify(b) })),
        ),
        fc.oneof(fc.constant({}), query),
        async ({ body }, q) => {
          statuses.push(await call('POST', `/v1/sessions?${qs(q)}`, body));
        },
      ),
      { numRuns: RUNS },
    );
    // The generators reach the success path too, not only refusals.
    expect(statuses).toContain(201);
    expect(statuses).toContain(400);
  });

  it('GET /v1/sessions never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        await call('GET', `/v1/sessions?${qs(q)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('session id routes never answer 5xx', async () => {
    const route = fc.constantFrom(
      ['GET', ''],
      ['GET', '/qr'],
      ['GET', '/events'],
      ['POST', '/stop'],
      ['POST', '/start'],
      ['POST', '/restart'],
      ['POST', '/logout'],
      ['DELETE', ''],
    );
    await fc.assert(
      fc.asyncProperty(route, idArb, query, async ([method, suffix], id, q) => {
        await call(method as string, `/v1/sessions/${idPath(id)}${suffix}?${qs(q)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('the QR of a waiting session never answers 5xx whatever the query', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const status = await call('GET', `/v1/sessions/${waiting}/qr?${qs(q)}`);
        expect([200, 400]).toContain(status);
      }),
      { numRuns: RUNS },
    );
  });

  it('GET …/events answers only 200 or 400 whatever the query', async () => {
    const seqQuery = fc.record(
      {
        after: fc.oneof(text, fc.integer({ min: -10, max: 20 }).map(String), fc.nat().map(String)),
        limit: fc.oneof(text, fc.integer({ min: -10, max: 1100 }).map(String)),
        x: text,
      },
      { requiredKeys: [] },
    );
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(fc.oneof(seqQuery, query), async (q) => {
        const status = await call('GET', `/v1/sessions/${connected}/events?${qs(q)}`);
        expect([200, 400]).toContain(status);
        statuses.push(status);
      }),
      { numRuns: RUNS },
    );
    expect(statuses).toContain(200);
    expect(statuses).toContain(400);
  });

  it('GET /v1/hosts never answers 5xx', async () => {
    const master = await signToken({ tenant: 'ops', role: 'MASTER' });
    await fc.assert(
      fc.asyncProperty(query, fc.boolean(), async (q, asMaster) => {
        const status = await call('GET', `/v1/hosts?${qs(q)}`, undefined, asMaster ? master : token);
        expect(status).toBe(asMaster ? 200 : 403);
      }),
      { numRuns: RUNS },
    );
  });

  it('POST …/messages never answers 5xx and sends only valid messages', async () => {
    const sendStatuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(
        bodyArb(
          fc.oneof(
            nearMessage,
            fc.record(
              {
                to: fc.stringMatching(/^[1-9][0-9]{6,14}$/),
                text: fc.string({ minLength: 1, maxLength: 200 }),
                idempotencyKey: fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/),
                mode: fc.constantFrom('sync', 'queued'),
              },
              { requiredKeys: ['to', 'text', 'mode'] },
            ),
          ),
        ),
        fc.oneof(fc.constant(connected), idArb),
        async ({ body }, id) => {
          h.hostClient.calls.length = 0;
          const status = await call('POST', `/v1/sessions/${idPath(id)}/messages`, body);
          sendStatuses.push(status);
          for (const c of h.hostClient.callsOf('send')) {
            expect(c.message?.messageId).toMatch(MESSAGE_ID_PATTERN);
            expect(c.message?.text?.length).toBeGreaterThan(0);
          }
          if (status !== 201) expect(h.hostClient.callsOf('send')).toEqual([]);
        },
      ),
      { numRuns: RUNS },
    );
    expect(sendStatuses).toContain(201);
    expect(sendStatuses).toContain(202);
  });

  it('POST …/pairing-code never answers 5xx', async () => {
    const near = fc.record(
      { phoneNumber: fc.oneof(text, fc.stringMatching(/^\+?[0-9 -]{0,20}$/)) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(bodyArb(near), fc.oneof(fc.constant(waiting), idArb), async ({ body }, id) => {
        h.hostClient.calls.length = 0;
        await call('POST', `/v1/sessions/${idPath(id)}/pairing-code`, body);
        for (const c of h.hostClient.callsOf('pairing')) expect(c.phoneNumber).toMatch(/^[1-9][0-9]{6,14}$/);
      }),
      { numRuns: RUNS },
    );
  });

  it('left only valid records behind', async () => {
    const records = await h.allRecords();
    expect(records.length).toBeGreaterThan(2);
    for (const record of records) {
      const parsed = sessionRecordSchema.safeParse(record);
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
    const { Items } = await h.aws.doc.send(new ScanCommand({ TableName: h.aws.tables.outbox }));
    for (const row of Items ?? []) {
      expect(row.messageId).toMatch(MESSAGE_ID_PATTERN);
      expect(row.idempotencyKey).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    }
    const { Items: names } = await h.aws.doc.send(new ScanCommand({ TableName: h.aws.tables.sessionNames }));
    const named = records.filter((r) => typeof r.name === 'string');
    expect((names ?? []).length).toBe(named.length);
  });
});
