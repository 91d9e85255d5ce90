import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATS_WINDOW_MINUTES } from '#commons/domain/message-stats.ts';
import { createLogger } from '#commons/logging/logger.ts';
import { DynamoDbMessageStats } from '#commons/storage/dynamodb-message-stats.ts';
import { type CountableRecord, countMessages } from '../../functions/webhooks/message-counter.ts';
import { type ApiHarness, createApiHarness, signToken } from './support/api-harness.ts';

interface OverviewView {
  scope: string;
  sessions: { byStatus: Record<string, number>; total: number; complete: boolean };
  minutes: { minute: string; in: number; out: number }[];
  totals: { in: number; out: number };
}

let h: ApiHarness;
let acme: string;
let globex: string;
let master: string;
let seq = 0;

type NewImage = NonNullable<NonNullable<CountableRecord['dynamodb']>['NewImage']>;

/** A stream record of an appended event, shaped as the events table stores it. */
function record(tenantId: string, type: string, at: Date, data: Record<string, unknown>): CountableRecord {
  seq += 1;
  const item = {
    sessionId: `ses_${tenantId}`,
    seq,
    type,
    at: at.toISOString(),
    tenantId,
    data,
    eventId: `e${seq}`,
  };
  return { eventName: 'INSERT', dynamodb: { NewImage: marshall(item) as NewImage } };
}

const minutesAgo = (n: number) => new Date(h.now.getTime() - n * 60_000);

async function overview(token: string, query = ''): Promise<OverviewView> {
  const res = await h.request('GET', `/v1/stats/overview${query}`, { token });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as OverviewView;
}

beforeAll(async () => {
  h = await createApiHarness('overview');
  acme = await h.adminToken('acme');
  globex = await h.adminToken('globex');
  master = await signToken({ tenant: 'ops', role: 'MASTER' });
  const a1 = await h.createSession(acme);
  const a2 = await h.createSession(acme);
  await h.createSession(acme, { name: 'idle' });
  const g1 = await h.createSession(globex);
  await h.hostWrites(a1, { status: 'CONNECTED' });
  await h.hostWrites(a2, { status: 'QR' });
  await h.hostWrites(g1, { status: 'CONNECTED' });
  const stats = new DynamoDbMessageStats({ client: h.aws.doc, tenantsTable: h.aws.tables.tenants });
  const log = createLogger({ name: 'overview-test', level: 'silent' });
  await countMessages(
    stats,
    [
      record('acme', 'session:message', minutesAgo(2), { fromMe: false, text: 'a' }),
      record('acme', 'session:message', minutesAgo(2), { fromMe: false, text: 'b' }),
      record('acme', 'session:message-status', minutesAgo(2), { fromMe: true, status: 'QUEUED' }),
      record('acme', 'session:message-status', minutesAgo(2), { fromMe: true, status: 'SENT' }),
      record('acme', 'session:message-status', minutesAgo(1), { fromMe: true, status: 'DELIVERED' }),
      record('acme', 'session:message', minutesAgo(0), { fromMe: true, text: 'from the phone' }),
      record('acme', 'session:status', minutesAgo(0), { status: 'CONNECTED' }),
      // Out of the window: counted, never shown.
      record('acme', 'session:message', minutesAgo(STATS_WINDOW_MINUTES + 5), { fromMe: false }),
      record('globex', 'session:message', minutesAgo(1), { fromMe: false, text: 'secret of globex' }),
      record('globex', 'session:message', minutesAgo(1), { fromMe: false }),
      record('globex', 'session:message', minutesAgo(1), { fromMe: false }),
    ],
    log,
  );
});
afterAll(() => h.destroy());

describe('GET /v1/stats/overview', () => {
  it('gives an ADMIN its own sessions by status and its messages per minute, never another tenant’s', async () => {
    const view = await overview(acme);
    expect(view.scope).toBe('acme');
    expect(view.sessions).toMatchObject({ total: 3, complete: true });
    expect(view.sessions.byStatus).toMatchObject({ CONNECTED: 1, QR: 1, STOPPED: 1, FAILED: 0 });
    expect(view.minutes).toHaveLength(STATS_WINDOW_MINUTES);
    const at = (n: number) => view.minutes[STATS_WINDOW_MINUTES - 1 - n];
    expect(at(2)).toMatchObject({ in: 2, out: 1 });
    expect(at(1)).toMatchObject({ in: 0, out: 0 });
    expect(at(0)).toMatchObject({ in: 0, out: 1 });
    expect(view.totals).toEqual({ in: 2, out: 2 });
    expect(Date.parse(at(0)?.minute ?? '')).toBe(Math.floor(h.now.getTime() / 60_000) * 60_000);
  });

  it('keeps each tenant’s counts apart', async () => {
    const view = await overview(globex);
    expect(view.scope).toBe('globex');
    expect(view.sessions.total).toBe(1);
    expect(view.totals).toEqual({ in: 3, out: 0 });
  });

  it('refuses an ADMIN naming another tenant with 403 FORBIDDEN', async () => {
    const res = await h.request('GET', '/v1/stats/overview?tenantId=globex', { token: acme });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });

  it('gives a MASTER every tenant by default, or the one it names', async () => {
    const all = await overview(master);
    expect(all.scope).toBe('*');
    expect(all.sessions.total).toBe(4);
    expect(all.sessions.byStatus.CONNECTED).toBe(2);
    expect(all.totals).toEqual({ in: 5, out: 2 });
    const one = await overview(master, '?tenantId=globex');
    expect(one.scope).toBe('globex');
    expect(one.totals).toEqual({ in: 3, out: 0 });
  });

  it.each([
    ['a malformed tenant', '?tenantId=a%20b', 400, 'VALIDATION_FAILED'],
    ['a tenant named like the all-tenants key', '?tenantId=*', 400, 'VALIDATION_FAILED'],
  ])('answers %s with a 4xx and a stable code', async (_, query, status, code) => {
    const res = await h.request('GET', `/v1/stats/overview${query}`, { token: master });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('refuses a request without a token with 401', async () => {
    const res = await h.request('GET', '/v1/stats/overview');
    expect(res.status).toBe(401);
  });
});
