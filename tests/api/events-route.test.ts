import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_PAGE_MAX_BYTES, type EventEnvelope, truncatedEnvelope } from '#commons/domain/events.ts';
import { type ApiHarness, createApiHarness, signToken } from './support/api-harness.ts';

interface EventPage {
  events: EventEnvelope[];
  lastSeq: number;
  next?: number;
}

let h: ApiHarness;
let owner: string;
let busy: string;
let quiet: string;
const TOTAL = 250;

beforeAll(async () => {
  h = await createApiHarness('events');
  owner = await h.adminToken('acme');
  busy = await h.createSession(owner, { name: 'busy' });
  quiet = await h.createSession(owner, { name: 'quiet' });
  for (let i = 1; i <= TOTAL; i++) {
    await h.events.append({ type: 'session:message', tenantId: 'acme', sessionId: busy, data: { n: i } });
  }
}, 120_000);
afterAll(() => h.destroy());

async function read(
  path: string,
  token = owner,
): Promise<{ status: number; page: EventPage; res: Response }> {
  const res = await h.request('GET', path, { token });
  return { status: res.status, page: (await res.json()) as EventPage, res };
}

describe('GET /v1/sessions/{id}/events', () => {
  it('pages through the whole log by following next, with no gap and no duplicate', async () => {
    const seqs: number[] = [];
    const nexts: (number | undefined)[] = [];
    let after: number | undefined = 0;
    while (after !== undefined) {
      const { status, page } = await read(`/v1/sessions/${busy}/events?after=${after}&limit=100`);
      expect(status).toBe(200);
      expect(page.lastSeq).toBe(TOTAL);
      seqs.push(...page.events.map((e) => e.seq));
      nexts.push(page.next);
      after = page.next;
    }
    expect(nexts).toEqual([100, 200, undefined]);
    expect(seqs).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
  });

  it('returns the events themselves, oldest first, in the envelope clients receive', async () => {
    const { page } = await read(`/v1/sessions/${busy}/events?after=41&limit=2`);
    expect(page.events).toEqual([
      expect.objectContaining({ v: 1, type: 'session:message', sessionId: busy, seq: 42, data: { n: 42 } }),
      expect.objectContaining({ seq: 43, data: { n: 43 } }),
    ]);
    expect(page.next).toBe(43);
  });

  it('reads 100 events from the start when neither after nor limit is given', async () => {
    const { page } = await read(`/v1/sessions/${busy}/events`);
    expect(page.events.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(page.next).toBe(100);
  });

  it('gives no next when a page ends exactly at the end of the log', async () => {
    const { page } = await read(`/v1/sessions/${busy}/events?after=150&limit=100`);
    expect(page.events).toHaveLength(100);
    expect(page.events.at(-1)?.seq).toBe(TOTAL);
    expect(page).not.toHaveProperty('next');
  });

  it('answers an empty page with the log end when after is at or beyond it', async () => {
    for (const after of [TOTAL, TOTAL + 1, 9_000_000]) {
      const { status, page } = await read(`/v1/sessions/${busy}/events?after=${after}`);
      expect(status).toBe(200);
      expect(page).toEqual({ events: [], lastSeq: TOTAL });
    }
  });

  it('answers an empty log with lastSeq 0', async () => {
    expect((await read(`/v1/sessions/${quiet}/events`)).page).toEqual({ events: [], lastSeq: 0 });
  });

  it('serves the single event a truncated push points to', async () => {
    const { page } = await read(`/v1/sessions/${busy}/events?after=76&limit=1`);
    const pushed = page.events[0] as EventEnvelope;
    const { status, page: fetched } = await read(truncatedEnvelope(pushed).href as string);
    expect(status).toBe(200);
    expect(fetched.events).toEqual([pushed]);
  });

  it('tells caches not to keep the events', async () => {
    const { res } = await read(`/v1/sessions/${busy}/events?limit=1`);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('reports another tenant’s session as missing and shows none of its events', async () => {
    const res = await h.request('GET', `/v1/sessions/${busy}/events`, {
      token: await h.adminToken('globex'),
    });
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('SESSION_NOT_FOUND');
    expect(text).not.toContain('"seq"');
  });

  it('reports a session that does not exist as missing', async () => {
    const res = await h.request('GET', '/v1/sessions/ses_aaaaaaaaaaaaaaaaaaaa/events', { token: owner });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SESSION_NOT_FOUND');
  });

  it('lets a MASTER token of another tenant read the log', async () => {
    const master = await signToken({ tenant: 'ops', role: 'MASTER' });
    const { status, page } = await read(`/v1/sessions/${busy}/events?after=249`, master);
    expect(status).toBe(200);
    expect(page.events.map((e) => e.seq)).toEqual([TOTAL]);
  });

  it.each([
    'after=-1',
    'after=abc',
    'after=1.5',
    'after=',
    'after=1e3',
    'after=99999999999999999999',
    'limit=0',
    'limit=1001',
    'limit=-5',
    'limit=ten',
  ])('refuses the query %s with 400 VALIDATION_FAILED', async (query) => {
    const res = await h.request('GET', `/v1/sessions/${busy}/events?${query}`, { token: owner });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { location: string } } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.location).toBe('query');
  });

  it('caps a page by bytes as well as by count, and the rest follows from next with no gap', async () => {
    const heavy = await h.createSession(owner, { name: 'heavy' });
    // Near DynamoDB's 400 KB item limit: 15 of them are more than one page's bytes.
    const count = 15;
    for (let n = 1; n <= count; n++) {
      await h.events.append({
        type: 'session:message',
        tenantId: 'acme',
        sessionId: heavy,
        data: { n, text: 'x'.repeat(350_000) },
      });
    }
    const seqs: number[] = [];
    let pages = 0;
    let after: number | undefined = 0;
    while (after !== undefined) {
      const res = await h.request('GET', `/v1/sessions/${heavy}/events?after=${after}&limit=1000`, {
        token: owner,
      });
      const body = await res.text();
      expect(res.status).toBe(200);
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(EVENT_PAGE_MAX_BYTES + 1024);
      const page = JSON.parse(body) as EventPage;
      expect(page.events.length).toBeGreaterThan(0);
      expect(page.lastSeq).toBe(count);
      seqs.push(...page.events.map((e) => e.seq));
      pages++;
      after = page.next;
      if (after !== undefined) expect(after).toBe(page.events.at(-1)?.seq);
    }
    expect(pages).toBeGreaterThan(1);
    expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  }, 60_000);

  it('accepts the largest page', async () => {
    const { status, page } = await read(`/v1/sessions/${busy}/events?limit=1000`);
    expect(status).toBe(200);
    expect(page.events).toHaveLength(TOTAL);
  });
});
