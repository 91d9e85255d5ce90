import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';
import { type ApiHarness, createApiHarness, signToken } from './support/api-harness.ts';

interface Page {
  sessions: { sessionId: string; tenantId: string; name?: string; status: string; desired: string }[];
  next?: string;
}

let h: ApiHarness;
let master: string;
let acme: string;
const onBusy: string[] = [];
let waiting: string;

beforeAll(async () => {
  h = await createApiHarness('host-sessions');
  master = await signToken({ tenant: 'ops', role: 'MASTER' });
  acme = await h.adminToken('acme');
  const globex = await h.adminToken('globex');
  await h.putHost({ hostId: 'h-busy', load: 3, capacity: 50, expiresAt: 4_000_000_000 });
  for (const [token, name] of [
    [acme, 'a-one'],
    [globex, 'g-one'],
    [acme, 'a-two'],
  ] as const) {
    const id = await h.createSession(token, { name });
    await h.hostWrites(id, { ownerHostId: 'h-busy', status: 'CONNECTED', desired: 'RUNNING' });
    onBusy.push(id);
  }
  waiting = await h.createSession(globex, { name: 'parked' });
  await h.hostWrites(waiting, { ownerHostId: UNASSIGNED_HOST, desired: 'RUNNING' });
  await h.createSession(acme, { name: 'never-started' });
});
afterAll(() => h.destroy());

async function page(path: string): Promise<Page> {
  const res = await h.request('GET', path, { token: master });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as Page;
}

describe('GET /v1/hosts/{hostId}/sessions', () => {
  it('lists every tenant’s sessions a host owns, in pages', async () => {
    const first = await page('/v1/hosts/h-busy/sessions?limit=2');
    expect(first.sessions).toHaveLength(2);
    expect(first.next).toBeDefined();
    const second = await page(`/v1/hosts/h-busy/sessions?limit=2&after=${first.next}`);
    const all = [...first.sessions, ...second.sessions];
    expect(all.map((s) => s.sessionId).sort()).toEqual([...onBusy].sort());
    expect(new Set(all.map((s) => s.tenantId))).toEqual(new Set(['acme', 'globex']));
    expect(all.find((s) => s.name === 'g-one')).toMatchObject({ status: 'CONNECTED', desired: 'RUNNING' });
  });

  it('lists the sessions waiting for a host under ~unassigned', async () => {
    const { sessions, next } = await page(`/v1/hosts/${UNASSIGNED_HOST}/sessions`);
    expect(sessions.map((s) => s.sessionId)).toEqual([waiting]);
    expect(next).toBeUndefined();
  });

  it('refuses an ADMIN token with 403 FORBIDDEN', async () => {
    const res = await h.request('GET', '/v1/hosts/h-busy/sessions', { token: acme });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });

  it.each([
    ['a host id with a slash-like character', '/v1/hosts/h%20busy/sessions'],
    ['a limit over 100', '/v1/hosts/h-busy/sessions?limit=101'],
    ['a malformed cursor', '/v1/hosts/h-busy/sessions?after=nope'],
  ])('answers %s with 400 VALIDATION_FAILED', async (_, path) => {
    const res = await h.request('GET', path, { token: master });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });
});
