import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMIT_REFUSED_MESSAGE } from '#commons/observability/limit-metrics.ts';
import { type ApiHarness, createApiHarness, OPERATOR_TENANT, signToken } from './support/api-harness.ts';

/** Quotas against real DynamoDB Local: counted in the same transaction as the session write. */
let h: ApiHarness;
let master: string;
beforeAll(async () => {
  h = await createApiHarness('quotas', { limits: { quotas: { maxSessions: 5, maxRunningSessions: 2 } } });
  master = await signToken({ tenant: OPERATOR_TENANT, role: 'MASTER' });
});
afterAll(() => h.destroy());

type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };
const sessionsOf = async (tenantId: string) =>
  (await h.allRecords()).filter((r) => r.tenantId === tenantId).map((r) => r.sessionId as string);

describe('the sessions quota', () => {
  it('lets exactly 5 of 20 parallel creates through against a quota of 5', async () => {
    const token = await h.adminToken('par');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.request('POST', '/v1/sessions', { token, body: { name: `s${i}` } }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const refused = (await answers[statuses.indexOf(429)]?.json()) as ErrorBody;
    expect(refused.error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'maxSessions', limit: 5 },
    });
    expect(await sessionsOf('par')).toHaveLength(5);
  });

  it('gives the room back when a session is deleted', async () => {
    const token = await h.adminToken('del');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await h.createSession(token));
    expect((await h.request('POST', '/v1/sessions', { token, body: {} })).status).toBe(429);
    expect((await h.request('DELETE', `/v1/sessions/${ids[0]}`, { token })).status).toBe(204);
    expect((await h.request('POST', '/v1/sessions', { token, body: {} })).status).toBe(201);
    expect((await h.request('POST', '/v1/sessions', { token, body: {} })).status).toBe(429);
  });

  it('follows a MASTER override for that tenant only', async () => {
    const token = await h.adminToken('big');
    const put = await h.request('PUT', '/v1/tenants/big/limits', { token: master, body: { maxSessions: 7 } });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ effective: { maxSessions: 7, maxRunningSessions: 2 } });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => h.request('POST', '/v1/sessions', { token, body: {} })),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(7);
    const got = await h.request('GET', '/v1/tenants/big/limits', { token: master });
    expect(await got.json()).toMatchObject({ overrides: { maxSessions: 7 }, defaults: { maxSessions: 5 } });
  });

  it('refuses limits to an ADMIN, even of its own tenant', async () => {
    const admin = await h.adminToken('big');
    const put = await h.request('PUT', '/v1/tenants/big/limits', {
      token: admin,
      body: { maxSessions: 1000 },
    });
    expect(put.status).toBe(403);
    expect(((await put.json()) as ErrorBody).error.code).toBe('FORBIDDEN');
    expect((await h.request('GET', '/v1/tenants/big/limits', { token: admin })).status).toBe(403);
    const got = await h.request('GET', '/v1/tenants/big/limits', { token: master });
    expect(await got.json()).toMatchObject({ effective: { maxSessions: 7 } });
  });
});

describe('the running sessions quota', () => {
  it('refuses an override the running set could not hold in one item (400, nothing stored)', async () => {
    const put = await h.request('PUT', '/v1/tenants/huge/limits', {
      token: master,
      body: { maxRunningSessions: 20_000 },
    });
    expect(put.status).toBe(400);
    const got = await h.request('GET', '/v1/tenants/huge/limits', { token: master });
    expect(await got.json()).toMatchObject({ overrides: {} });
  });

  it('starts at most 2 of 5 sessions started in parallel, and a stop makes room', async () => {
    const token = await h.adminToken('run');
    await h.putHost({ hostId: 'h-run' });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await h.createSession(token));
    const answers = await Promise.all(
      ids.map((id) => h.request('POST', `/v1/sessions/${id}/start`, { token })),
    );
    expect(answers.filter((r) => r.status === 202)).toHaveLength(2);
    const refused = answers.find((r) => r.status === 429) as Response;
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'maxRunningSessions', limit: 2 },
    });
    const running = (await h.allRecords()).filter((r) => r.tenantId === 'run' && r.desired === 'RUNNING');
    expect(running).toHaveLength(2);
    // A repeated start of a running session is not a new one.
    expect((await h.request('POST', `/v1/sessions/${running[0]?.sessionId}/start`, { token })).status).toBe(
      202,
    );
    const idle = ids.find((id) => !running.some((r) => r.sessionId === id)) as string;
    expect((await h.request('POST', `/v1/sessions/${running[0]?.sessionId}/stop`, { token })).status).toBe(
      202,
    );
    expect((await h.request('POST', `/v1/sessions/${idle}/start`, { token })).status).toBe(202);
  });

  it('does not stay shut when a host stopped a session behind the API’s back', async () => {
    const token = await h.adminToken('gaveup');
    await h.putHost({ hostId: 'h-gaveup' });
    const [a, b, c] = [
      await h.createSession(token),
      await h.createSession(token),
      await h.createSession(token),
    ];
    expect((await h.request('POST', `/v1/sessions/${a}/start`, { token })).status).toBe(202);
    expect((await h.request('POST', `/v1/sessions/${b}/start`, { token })).status).toBe(202);
    expect((await h.request('POST', `/v1/sessions/${c}/start`, { token })).status).toBe(429);
    // A host that gives up sets desired STOPPED itself (README, session status model).
    await h.hostWrites(a, { desired: 'STOPPED', status: 'FAILED' });
    expect((await h.request('POST', `/v1/sessions/${c}/start`, { token })).status).toBe(202);
  });
});

describe('the metric of a refusal', () => {
  it('logs each quota refusal with the line the metric filter counts, naming the quota', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = { write: (line: string) => lines.push(JSON.parse(line)) };
    const logged = await createApiHarness('quota-log', {
      log: pino({ level: 'info' }, sink),
      limits: { quotas: { maxSessions: 1, maxRunningSessions: 1 } },
    });
    try {
      const token = await logged.adminToken('counted');
      await logged.createSession(token);
      expect((await logged.request('POST', '/v1/sessions', { token, body: {} })).status).toBe(429);
      expect(lines.filter((l) => l.msg === LIMIT_REFUSED_MESSAGE)).toEqual([
        expect.objectContaining({ limit: 'maxSessions', tenantId: 'counted' }),
      ]);
    } finally {
      logged.destroy();
    }
  });
});
