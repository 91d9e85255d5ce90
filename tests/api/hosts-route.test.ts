import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';
import { type ApiHarness, createApiHarness, signToken } from './support/api-harness.ts';

interface HostView {
  hostId: string;
  endpoint: string;
  capacity: number;
  load: number;
  live: boolean;
  draining: boolean;
  gone: boolean;
  heartbeatAt: string;
  sessions: number;
}

let h: ApiHarness;
let master: string;
let busyHeartbeat: number;
const FAR = 4_000_000_000;

beforeAll(async () => {
  h = await createApiHarness('hosts');
  master = await signToken({ tenant: 'ops', role: 'MASTER' });
  busyHeartbeat = (await h.putHost({ hostId: 'h-busy', load: 3, capacity: 50, expiresAt: FAR })).heartbeatAt;
  await h.putHost({ hostId: 'h-draining', draining: true, expiresAt: FAR });
  // Its lease runs out 30 s from now; the app's clock is then moved past it. (An expiry already
  // in the past would let DynamoDB Local's TTL sweeper delete the row before the test reads it.)
  await h.putHost({ hostId: 'h-expired' });
  await h.putHost({ hostId: 'h-gone', ...{ gone: true }, expiresAt: FAR });
  const acme = await h.adminToken('acme');
  const globex = await h.adminToken('globex');
  const owned: [string, string][] = [
    [acme, 'h-busy'],
    [globex, 'h-busy'],
    [acme, 'h-busy'],
    [acme, 'h-expired'],
    [globex, UNASSIGNED_HOST],
    [acme, UNASSIGNED_HOST],
  ];
  for (const [token, hostId] of owned) {
    const id = await h.createSession(token);
    await h.hostWrites(id, { ownerHostId: hostId });
  }
  // Never started: no owner, counted nowhere.
  await h.createSession(acme);
  h.now = new Date(h.now.getTime() + 120_000);
});
afterAll(() => h.destroy());

async function fleet(): Promise<{ hosts: HostView[]; unassigned: number }> {
  const res = await h.request('GET', '/v1/hosts', { token: master });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as { hosts: HostView[]; unassigned: number };
}

describe('GET /v1/hosts', () => {
  it('lists every host, live or not, ordered by id, with the sessions each owns', async () => {
    const { hosts } = await fleet();
    expect(hosts.map((x) => [x.hostId, x.live, x.sessions])).toEqual([
      ['h-busy', true, 3],
      ['h-draining', true, 0],
      ['h-expired', false, 1],
      ['h-gone', false, 0],
    ]);
  });

  it('counts the sessions parked for a host apart from every host', async () => {
    expect((await fleet()).unassigned).toBe(2);
  });

  it('shows a host’s own figures and flags', async () => {
    const { hosts } = await fleet();
    const byId = Object.fromEntries(hosts.map((x) => [x.hostId, x]));
    expect(byId['h-busy']).toEqual({
      hostId: 'h-busy',
      endpoint: 'http://h-busy.internal:8080',
      capacity: 50,
      load: 3,
      live: true,
      draining: false,
      gone: false,
      heartbeatAt: new Date(busyHeartbeat).toISOString(),
      sessions: 3,
    });
    expect(byId['h-draining']).toMatchObject({ draining: true, gone: false });
    expect(byId['h-gone']).toMatchObject({ gone: true, live: false });
  });

  it('answers an empty fleet with no hosts', async () => {
    const empty = await createApiHarness('hosts-empty');
    try {
      const res = await empty.request('GET', '/v1/hosts', { token: master });
      expect(await res.json()).toEqual({ hosts: [], unassigned: 0 });
    } finally {
      empty.destroy();
    }
  });

  it('refuses an ADMIN token with 403 FORBIDDEN and shows no host', async () => {
    const res = await h.request('GET', '/v1/hosts', { token: await h.adminToken('ops') });
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('FORBIDDEN');
    expect(text).not.toContain('h-busy');
  });

  it('refuses a request without a token with 401', async () => {
    const res = await h.request('GET', '/v1/hosts');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
  });
});
