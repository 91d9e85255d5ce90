import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';

let h: ApiHarness;
let token: string;
beforeAll(async () => {
  h = await createApiHarness('lifecycle');
  token = await h.adminToken('acme');
});
afterAll(() => h.destroy());

const hostIds = new Set<string>();
async function liveHost(hostId: string, fields: Record<string, unknown> = {}) {
  hostIds.add(hostId);
  return h.putHost({ hostId, ...fields });
}
beforeEach(async () => {
  for (const id of hostIds) await h.removeHost(id);
  hostIds.clear();
  h.hostClient.calls.length = 0;
  h.hostClient.onNudge = async () => undefined;
});

const post = (id: string, action: string) => h.request('POST', `/v1/sessions/${id}/${action}`, { token });
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('starting a session', () => {
  it('sets desired RUNNING, assigns a live host and nudges it', async () => {
    const host = await liveHost('h-start');
    const id = await h.createSession(token);
    const res = await post(id, 'start');
    expect(res.status).toBe(202);
    expect(((await res.json()) as { desired: string }).desired).toBe('RUNNING');
    expect(await h.record(id)).toMatchObject({
      desired: 'RUNNING',
      ownerHostId: 'h-start',
      status: 'STOPPED',
    });
    expect(h.hostClient.callsOf('nudge')).toEqual([
      { kind: 'nudge', endpoint: host.endpoint, sessionId: id },
    ]);
  });

  it('is idempotent: a second start keeps the owner and writes nothing new', async () => {
    await liveHost('h-idem-1');
    const id = await h.createSession(token);
    await post(id, 'start');
    const first = await h.record(id);
    await liveHost('h-idem-2');
    h.now = new Date(h.now.getTime() + 1000);
    expect((await post(id, 'start')).status).toBe(202);
    expect(await h.record(id)).toEqual(first);
  });

  it('answers 503 NO_HOST_AVAILABLE with Retry-After and keeps desired RUNNING', async () => {
    const id = await h.createSession(token);
    const res = await post(id, 'start');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
    expect(await errorCode(res)).toBe('NO_HOST_AVAILABLE');
    const record = await h.record(id);
    expect(record?.desired).toBe('RUNNING');
    // Parked where the first host to come up looks for sessions to take.
    expect(record?.ownerHostId).toBe(UNASSIGNED_HOST);
  });

  it('assigns the session once a host appears', async () => {
    const id = await h.createSession(token);
    expect((await post(id, 'start')).status).toBe(503);
    await liveHost('h-late');
    expect((await post(id, 'start')).status).toBe(202);
    expect((await h.record(id))?.ownerHostId).toBe('h-late');
  });

  it.each([
    { name: 'expired', fields: { expiresAt: 1 } },
    { name: 'full', fields: { load: 5, capacity: 5 } },
    { name: 'draining', fields: { draining: true } },
  ])('never assigns to an $name host', async ({ fields }) => {
    await liveHost('h-unfit', fields);
    const id = await h.createSession(token);
    expect((await post(id, 'start')).status).toBe(503);
  });

  it('moves a session whose owner died to a live host', async () => {
    await liveHost('h-dies');
    const id = await h.createSession(token);
    await post(id, 'start');
    await h.putHost({ hostId: 'h-dies', expiresAt: Math.floor(h.now.getTime() / 1000) - 1 });
    await liveHost('h-heir');
    expect((await post(id, 'start')).status).toBe(202);
    expect((await h.record(id))?.ownerHostId).toBe('h-heir');
  });

  it('still answers 202 when the nudge fails (hosts reconcile on a timer)', async () => {
    await liveHost('h-deaf');
    h.hostClient.onNudge = async () => {
      throw new Error('connection refused');
    };
    const id = await h.createSession(token);
    expect((await post(id, 'start')).status).toBe(202);
  });
});

describe('stopping and restarting', () => {
  it('stop sets desired STOPPED, keeps the owner to stop it, and nudges it', async () => {
    const host = await liveHost('h-stop');
    const id = await h.createSession(token);
    await post(id, 'start');
    h.hostClient.calls.length = 0;
    expect((await post(id, 'stop')).status).toBe(202);
    expect(await h.record(id)).toMatchObject({ desired: 'STOPPED', ownerHostId: 'h-stop' });
    expect(h.hostClient.callsOf('nudge').map((c) => c.endpoint)).toEqual([host.endpoint]);
  });

  it('stop of a stopped session changes nothing', async () => {
    const id = await h.createSession(token);
    const before = await h.record(id);
    expect((await post(id, 'stop')).status).toBe(202);
    expect(await h.record(id)).toEqual(before);
  });

  it('restart marks the request for the owner', async () => {
    await liveHost('h-restart');
    const id = await h.createSession(token);
    await post(id, 'start');
    h.now = new Date(h.now.getTime() + 5000);
    expect((await post(id, 'restart')).status).toBe(202);
    expect(await h.record(id)).toMatchObject({
      desired: 'RUNNING',
      ownerHostId: 'h-restart',
      restartRequested: h.now.toISOString(),
    });
  });

  it('restart with no live host answers 503 and keeps desired RUNNING', async () => {
    const id = await h.createSession(token);
    const res = await post(id, 'restart');
    expect(res.status).toBe(503);
    expect((await h.record(id))?.desired).toBe('RUNNING');
  });
});

describe('logging out', () => {
  it('asks the live owner to unlink (marker + nudge) and leaves the auth state to it', async () => {
    await liveHost('h-logout');
    const id = await h.createSession(token);
    await post(id, 'start');
    await h.putAuthObject('acme', id, 'creds.json');
    h.hostClient.calls.length = 0;
    expect((await post(id, 'logout')).status).toBe(202);
    expect(await h.record(id)).toMatchObject({
      desired: 'STOPPED',
      logoutRequested: true,
      ownerHostId: 'h-logout',
    });
    expect(h.hostClient.callsOf('nudge')).toHaveLength(1);
    expect(await h.authObjects('acme', id)).toHaveLength(1);
  });

  it('wipes the auth state itself and records LOGGED_OUT when no host owns the session', async () => {
    const id = await h.createSession(token);
    await h.hostWrites(id, { me: { jid: '4915123456789@s.whatsapp.net', phoneNumber: '4915123456789' } });
    await h.putAuthObject('acme', id, 'creds.json');
    const res = await post(id, 'logout');
    expect(res.status).toBe(202);
    expect(((await res.json()) as { status: string }).status).toBe('LOGGED_OUT');
    const record = await h.record(id);
    expect(record).toMatchObject({ status: 'LOGGED_OUT', desired: 'STOPPED' });
    expect(record?.me).toBeUndefined();
    expect(await h.authObjects('acme', id)).toEqual([]);
  });

  it('wipes and records LOGGED_OUT when the owner is dead, fenced on its epoch', async () => {
    await liveHost('h-gone');
    const id = await h.createSession(token);
    await post(id, 'start');
    await h.hostWrites(id, { epoch: 3, status: 'CONNECTED' });
    await h.removeHost('h-gone');
    expect((await post(id, 'logout')).status).toBe(202);
    expect(await h.record(id)).toMatchObject({ status: 'LOGGED_OUT', epoch: 3, ownerHostId: 'h-gone' });
  });
});

describe('every action on a missing session', () => {
  it.each(['start', 'stop', 'restart', 'logout'])('%s answers 404 SESSION_NOT_FOUND', async (action) => {
    const res = await post('ses_aaaaaaaaaaaaaaaaaaaa', action);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('SESSION_NOT_FOUND');
  });
});
