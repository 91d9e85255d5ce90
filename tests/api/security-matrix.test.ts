import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiHarness,
  createApiHarness,
  OPERATOR_TENANT,
  signToken,
  unsignedToken,
} from './support/api-harness.ts';

/**
 * Every route × every kind of caller, with the status each must get. The
 * target session belongs to tenant `acme`, is owned by a live host, and is in
 * the state the route needs to succeed for an allowed caller.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await createApiHarness('matrix');
  await h.putHost({ hostId: 'h-matrix', expiresAt: 4_000_000_000 });
});
afterAll(() => h.destroy());

type Caller =
  | 'no token'
  | 'bad signature'
  | 'expired'
  | 'alg none'
  | 'wrong issuer'
  | 'other role'
  | 'MASTER'
  | 'MASTER of a non-operator tenant'
  | 'MASTER claim of the target tenant'
  | 'ADMIN of the tenant'
  | 'ADMIN of another tenant';

const CALLERS: Record<Caller, () => Promise<string | undefined>> = {
  'no token': async () => undefined,
  'bad signature': () => signToken({ tenant: 'acme', secret: 'another-secret-another-secret-0123456789' }),
  expired: () => signToken({ tenant: 'acme', expiresIn: Math.floor(Date.now() / 1000) - 3600 }),
  'alg none': async () => unsignedToken('acme', 'MASTER'),
  'wrong issuer': () => signToken({ tenant: 'acme', issuer: 'https://evil.example' }),
  'other role': () => signToken({ tenant: 'acme', role: 'VIEWER' }),
  MASTER: () => signToken({ tenant: OPERATOR_TENANT, role: 'MASTER' }),
  'MASTER of a non-operator tenant': () => signToken({ tenant: 'globex', role: 'MASTER' }),
  'MASTER claim of the target tenant': () => signToken({ tenant: 'acme', role: 'MASTER' }),
  'ADMIN of the tenant': () => signToken({ tenant: 'acme', role: 'ADMIN' }),
  'ADMIN of another tenant': () => signToken({ tenant: 'globex', role: 'ADMIN' }),
};

interface Route {
  name: string;
  method: string;
  path: (id: string) => string;
  body?: unknown;
  /** Status for a caller allowed on the target session. */
  ok: number;
  /** Status for an ADMIN of another tenant. */
  foreign: number;
  /** Status for an ADMIN of the target's tenant, when not `ok` (routes for MASTER only). */
  admin?: number;
  /** Whether a successful call reaches the host with the target session. */
  state?: Record<string, unknown>;
}

const qr = { value: '2@secret-qr-payload', seq: 1, expiresAt: '2099-01-01T00:00:00.000Z' };
const logged = 'secret-logged-message';
const ROUTES: Route[] = [
  { name: 'create', method: 'POST', path: () => '/v1/sessions', body: {}, ok: 201, foreign: 201 },
  {
    name: 'create in the tenant',
    method: 'POST',
    path: () => '/v1/sessions?tenantId=acme',
    body: {},
    ok: 201,
    foreign: 403,
  },
  { name: 'list the tenant', method: 'GET', path: () => '/v1/sessions?tenantId=acme', ok: 200, foreign: 403 },
  { name: 'list', method: 'GET', path: () => '/v1/sessions', ok: 200, foreign: 200 },
  { name: 'get', method: 'GET', path: (id) => `/v1/sessions/${id}`, ok: 200, foreign: 404 },
  { name: 'delete', method: 'DELETE', path: (id) => `/v1/sessions/${id}`, ok: 204, foreign: 404 },
  { name: 'start', method: 'POST', path: (id) => `/v1/sessions/${id}/start`, ok: 202, foreign: 404 },
  { name: 'stop', method: 'POST', path: (id) => `/v1/sessions/${id}/stop`, ok: 202, foreign: 404 },
  { name: 'restart', method: 'POST', path: (id) => `/v1/sessions/${id}/restart`, ok: 202, foreign: 404 },
  { name: 'logout', method: 'POST', path: (id) => `/v1/sessions/${id}/logout`, ok: 202, foreign: 404 },
  {
    name: 'qr',
    method: 'GET',
    path: (id) => `/v1/sessions/${id}/qr`,
    ok: 200,
    foreign: 404,
    state: { status: 'QR', qr },
  },
  {
    name: 'qr png',
    method: 'GET',
    path: (id) => `/v1/sessions/${id}/qr?format=png`,
    ok: 200,
    foreign: 404,
    state: { status: 'QR', qr },
  },
  {
    name: 'pairing code',
    method: 'POST',
    path: (id) => `/v1/sessions/${id}/pairing-code`,
    body: { phoneNumber: '4915123456789' },
    ok: 200,
    foreign: 404,
    state: { status: 'QR' },
  },
  {
    name: 'send',
    method: 'POST',
    path: (id) => `/v1/sessions/${id}/messages`,
    body: { to: '4915123456789', text: 'hi' },
    ok: 202,
    foreign: 404,
    state: { status: 'CONNECTED' },
  },
  { name: 'events', method: 'GET', path: (id) => `/v1/sessions/${id}/events`, ok: 200, foreign: 404 },
  {
    name: 'events page',
    method: 'GET',
    path: (id) => `/v1/sessions/${id}/events?after=0&limit=1`,
    ok: 200,
    foreign: 404,
  },
  { name: 'hosts', method: 'GET', path: () => '/v1/hosts', ok: 200, foreign: 403, admin: 403 },
  ...groupRoutes(),
];

/** The group routes reach the owning host of a connected session. */
function groupRoutes(): Route[] {
  const group = '120363025246125888@g.us';
  const connected = { status: 'CONNECTED' };
  return [
    {
      name: 'groups',
      method: 'GET',
      path: (id) => `/v1/sessions/${id}/groups`,
      ok: 200,
      foreign: 404,
      state: connected,
    },
    {
      name: 'group',
      method: 'GET',
      path: (id) => `/v1/sessions/${id}/groups/${group}`,
      ok: 200,
      foreign: 404,
      state: connected,
    },
    {
      name: 'create group',
      method: 'POST',
      path: (id) => `/v1/sessions/${id}/groups`,
      body: { subject: 'x', participants: ['4915123456789'] },
      ok: 201,
      foreign: 404,
      state: connected,
    },
    {
      name: 'group participants',
      method: 'POST',
      path: (id) => `/v1/sessions/${id}/groups/${group}/participants`,
      body: { remove: ['4915123456789'] },
      ok: 200,
      foreign: 404,
      state: connected,
    },
    {
      name: 'leave group',
      method: 'POST',
      path: (id) => `/v1/sessions/${id}/groups/${group}/leave`,
      ok: 200,
      foreign: 404,
      state: connected,
    },
  ];
}

const UNAUTHENTICATED: Caller[] = ['no token', 'bad signature', 'expired', 'alg none', 'wrong issuer'];

function expected(route: Route, caller: Caller): number {
  if (UNAUTHENTICATED.includes(caller)) return 401;
  if (caller === 'other role') return 403;
  // MASTER is honoured only for the operator tenant, whatever else the token claims.
  if (caller === 'MASTER of a non-operator tenant' || caller === 'MASTER claim of the target tenant')
    return 403;
  if (caller === 'ADMIN of another tenant') return route.foreign;
  if (caller === 'ADMIN of the tenant') return route.admin ?? route.ok;
  return route.ok;
}

const cases = ROUTES.flatMap((route) =>
  (Object.keys(CALLERS) as Caller[]).map((caller) => ({ route, caller, status: expected(route, caller) })),
);

describe('security matrix', () => {
  it.each(cases)('$route.name by $caller → $status', async ({ route, caller, status }) => {
    const owner = await signToken({ tenant: 'acme', role: 'ADMIN' });
    const id = await h.createSession(owner, {});
    expect((await h.request('POST', `/v1/sessions/${id}/start`, { token: owner })).status).toBe(202);
    await h.hostWrites(id, { epoch: 1, status: 'STARTING', ...route.state });
    await h.events.append({
      type: 'session:message',
      tenantId: 'acme',
      sessionId: id,
      data: { text: logged },
    });
    const before = await h.record(id);
    h.hostClient.calls.length = 0;

    const token = await CALLERS[caller]();
    const res = await h.request(route.method, route.path(id), { token, body: route.body });
    expect(res.status).toBe(status);

    const text = await res.text();
    if (status >= 400) {
      expect(JSON.parse(text)).toMatchObject({
        error: { code: expect.any(String), requestId: expect.any(String) },
      });
    }
    if (status !== route.ok || caller === 'ADMIN of another tenant') {
      // Refused or foreign: the target is untouched, the host never hears of it, nothing of it leaks.
      expect(await h.record(id)).toEqual(before);
      expect(h.hostClient.calls).toEqual([]);
      expect(text).not.toContain(id);
      expect(text).not.toContain(qr.value);
      expect(text).not.toContain(logged);
    }
  });
});
