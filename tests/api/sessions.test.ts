import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionRecordSchema } from '#commons/domain/session-record.ts';
import { HostTimeoutError } from '#commons/errors/app-errors.ts';
import { type ApiHarness, createApiHarness, signToken } from './support/api-harness.ts';

let h: ApiHarness;
let acme: string;
beforeAll(async () => {
  h = await createApiHarness('sessions');
  acme = await h.adminToken('acme');
});
afterAll(() => h.destroy());

interface SessionBody {
  id: string;
  tenantId: string;
  name?: string;
  phoneNumber?: string;
  metadata?: Record<string, unknown>;
  status: string;
  desired: string;
}

describe('creating a session', () => {
  it('answers 201 with a stopped session and stores a valid record', async () => {
    const res = await h.request('POST', '/v1/sessions', {
      token: acme,
      body: {
        name: 'support-line',
        phoneNumber: '+49 151 2345-6789',
        metadata: { team: 'support', seats: 3, ratio: 0.75 },
      },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as SessionBody;
    expect(body).toMatchObject({
      tenantId: 'acme',
      name: 'support-line',
      phoneNumber: '4915123456789',
      metadata: { team: 'support', seats: 3, ratio: 0.75 },
      status: 'STOPPED',
      desired: 'STOPPED',
    });
    const stored = await h.record(body.id);
    expect(sessionRecordSchema.parse(stored)).toMatchObject({
      sessionId: body.id,
      tenantId: 'acme',
      epoch: 0,
    });
    expect(stored?.createdKey).toBe(`${stored?.createdAt}#${body.id}`);
  });

  it('accepts an empty body and an absent body', async () => {
    expect((await h.request('POST', '/v1/sessions', { token: acme, body: {} })).status).toBe(201);
    expect((await h.request('POST', '/v1/sessions', { token: acme })).status).toBe(201);
  });

  it('refuses a duplicate name in the same tenant with 409 and stores nothing', async () => {
    await h.createSession(acme, { name: 'dup' });
    const before = (await h.allRecords()).length;
    const res = await h.request('POST', '/v1/sessions', { token: acme, body: { name: 'dup' } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SESSION_NAME_TAKEN');
    expect((await h.allRecords()).length).toBe(before);
  });

  it('allows the same name in another tenant', async () => {
    await h.createSession(acme, { name: 'shared-name' });
    const other = await h.adminToken('globex');
    expect(
      (await h.request('POST', '/v1/sessions', { token: other, body: { name: 'shared-name' } })).status,
    ).toBe(201);
  });

  it('frees the name when the session is deleted', async () => {
    const id = await h.createSession(acme, { name: 'reusable' });
    expect((await h.request('DELETE', `/v1/sessions/${id}`, { token: acme })).status).toBe(204);
    expect(
      (await h.request('POST', '/v1/sessions', { token: acme, body: { name: 'reusable' } })).status,
    ).toBe(201);
  });

  it.each([
    { name: 'an unknown field', body: { nmae: 'x' } },
    { name: 'a name with a slash', body: { name: 'a/b' } },
    { name: 'a too long name', body: { name: 'a'.repeat(65) } },
    { name: 'a phone number with letters', body: { phoneNumber: '12345abc' } },
    { name: 'metadata that is an array', body: { metadata: [1, 2] } },
    { name: 'metadata with a nested object', body: { metadata: { a: { b: 1 } } } },
    { name: 'a metadata integer beyond 2^53', body: { metadata: { n: -9007199254740992 } } },
    { name: 'a metadata number DynamoDB cannot store', body: { metadata: { n: 1e300 } } },
    { name: 'a metadata fraction that underflows', body: { metadata: { n: 5e-324 } } },
    {
      name: 'metadata over 2 KB',
      body: {
        metadata: {
          a: 'x'.repeat(500),
          b: 'x'.repeat(500),
          c: 'x'.repeat(500),
          d: 'x'.repeat(500),
          e: 'x'.repeat(200),
        },
      },
    },
    {
      name: 'metadata with too many keys',
      body: { metadata: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) },
    },
  ])('refuses $name with 400 VALIDATION_FAILED and stores nothing', async ({ body }) => {
    const before = (await h.allRecords()).length;
    const res = await h.request('POST', '/v1/sessions', { token: acme, body });
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { code: string; requestId: string; details: unknown } })
      .error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.requestId).toBe(res.headers.get('x-request-id'));
    expect((await h.allRecords()).length).toBe(before);
  });

  it('lets a MASTER create in a named tenant and refuses an ADMIN naming another tenant', async () => {
    const master = await signToken({ tenant: 'ops', role: 'MASTER' });
    const res = await h.request('POST', '/v1/sessions?tenantId=initech', { token: master, body: {} });
    expect(res.status).toBe(201);
    expect(((await res.json()) as SessionBody).tenantId).toBe('initech');
    const denied = await h.request('POST', '/v1/sessions?tenantId=initech', { token: acme, body: {} });
    expect(denied.status).toBe(403);
  });
});

describe('reading sessions', () => {
  it('gets a session of the tenant and 404s an unknown one', async () => {
    const id = await h.createSession(acme, { name: 'readable' });
    const res = await h.request('GET', `/v1/sessions/${id}`, { token: acme });
    expect(res.status).toBe(200);
    expect(((await res.json()) as SessionBody).name).toBe('readable');
    const missing = await h.request('GET', '/v1/sessions/ses_aaaaaaaaaaaaaaaaaaaa', { token: acme });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('SESSION_NOT_FOUND');
  });

  it('answers 400 for an id that is not a session id', async () => {
    const res = await h.request('GET', '/v1/sessions/not-an-id', { token: acme });
    expect(res.status).toBe(400);
  });

  it('pages through every session of a tenant once, oldest first', async () => {
    const token = await h.adminToken('paging');
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      h.now = new Date(Date.UTC(2026, 10, 29, 12, 0, i));
      created.push(await h.createSession(token));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await h.request('GET', `/v1/sessions?limit=3${cursor ? `&cursor=${cursor}` : ''}`, {
        token,
      });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { sessions: SessionBody[]; nextCursor?: string };
      expect(page.sessions.length).toBeLessThanOrEqual(3);
      seen.push(...page.sessions.map((s) => s.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(created);
    expect(pages).toBe(3);
  });

  it('filters by status', async () => {
    const token = await h.adminToken('filtering');
    const ids = [await h.createSession(token), await h.createSession(token), await h.createSession(token)];
    await h.hostWrites(ids[1] as string, { status: 'CONNECTED' });
    const res = await h.request('GET', '/v1/sessions?status=CONNECTED&limit=1', { token });
    const page = (await res.json()) as { sessions: SessionBody[]; nextCursor?: string };
    expect(page.sessions.map((s) => s.id)).toEqual([ids[1]]);
  });

  it('refuses a forged cursor with 400', async () => {
    const res = await h.request('GET', '/v1/sessions?cursor=bm9wZQ', { token: acme });
    expect(res.status).toBe(400);
  });

  it('lists only the caller’s tenant', async () => {
    const token = await h.adminToken('lonely');
    const id = await h.createSession(token);
    const res = await h.request('GET', '/v1/sessions', { token });
    const page = (await res.json()) as { sessions: SessionBody[] };
    expect(page.sessions.map((s) => s.id)).toEqual([id]);
  });
});

describe('deleting a session', () => {
  it('removes the record and wipes its auth state', async () => {
    const id = await h.createSession(acme);
    await h.putAuthObject('acme', id, 'creds.json');
    await h.putAuthObject('acme', id, 'keys/pre-key-1.json');
    const neighbour = await h.createSession(acme);
    await h.putAuthObject('acme', neighbour, 'creds.json');
    const res = await h.request('DELETE', `/v1/sessions/${id}`, { token: acme });
    expect(res.status).toBe(204);
    expect(await h.record(id)).toBeUndefined();
    expect(await h.authObjects('acme', id)).toEqual([]);
    expect(await h.authObjects('acme', neighbour)).toHaveLength(1);
    expect((await h.request('GET', `/v1/sessions/${id}`, { token: acme })).status).toBe(404);
  });

  it('fences the record before asking the live owner to quiesce, and wipes only after it confirmed', async () => {
    const host = await h.putHost({ hostId: 'host-del' });
    const id = await h.createSession(acme);
    expect((await h.request('POST', `/v1/sessions/${id}/start`, { token: acme })).status).toBe(202);
    await h.hostWrites(id, { epoch: 3, status: 'CONNECTED' });
    await h.putAuthObject('acme', id, 'journal/3-1-abc.json');
    h.hostClient.calls.length = 0;
    const seenAtQuiesce: { record?: Record<string, unknown>; objects?: string[] } = {};
    h.hostClient.onQuiesce = async () => {
      seenAtQuiesce.record = (await h.record(id)) as Record<string, unknown> | undefined;
      seenAtQuiesce.objects = await h.authObjects('acme', id);
    };
    expect((await h.request('DELETE', `/v1/sessions/${id}`, { token: acme })).status).toBe(204);
    expect(h.hostClient.callsOf('quiesce')).toEqual([
      { kind: 'quiesce', endpoint: host.endpoint, sessionId: id },
    ]);
    // At the host's turn, its fence (owner + epoch) no longer holds, and nothing was wiped yet.
    expect(seenAtQuiesce.record).toMatchObject({ ownerHostId: '~deleting', epoch: 4, desired: 'STOPPED' });
    expect(seenAtQuiesce.objects).toHaveLength(1);
    expect(await h.authObjects('acme', id)).toEqual([]);
    h.hostClient.onQuiesce = async () => undefined;
    await h.removeHost('host-del');
  });

  it('keeps the fenced record and the auth state when the owner cannot confirm; a repeated DELETE finishes', async () => {
    await h.putHost({ hostId: 'host-slow' });
    const id = await h.createSession(acme, { name: 'to-delete' });
    expect((await h.request('POST', `/v1/sessions/${id}/start`, { token: acme })).status).toBe(202);
    await h.putAuthObject('acme', id, 'journal/1-1-abc.json');
    h.hostClient.onQuiesce = async () => {
      throw new HostTimeoutError('slow');
    };
    const failed = await h.request('DELETE', `/v1/sessions/${id}`, { token: acme });
    expect(failed.status).toBe(504);
    expect(await h.record(id)).toMatchObject({ ownerHostId: '~deleting' });
    expect(await h.authObjects('acme', id)).toHaveLength(1);
    // A session being deleted is gone for everything but DELETE: it cannot be started again.
    expect((await h.request('GET', `/v1/sessions/${id}`, { token: acme })).status).toBe(404);
    expect((await h.request('POST', `/v1/sessions/${id}/start`, { token: acme })).status).toBe(404);

    h.hostClient.onQuiesce = async () => undefined;
    h.hostClient.calls.length = 0;
    expect((await h.request('DELETE', `/v1/sessions/${id}`, { token: acme })).status).toBe(204);
    // The former owner is remembered across repeats, though the record now names the deleting owner.
    expect(h.hostClient.callsOf('quiesce').map((c) => c.endpoint)).toEqual([
      'http://host-slow.internal:8080',
    ]);
    expect(await h.record(id)).toBeUndefined();
    expect(await h.authObjects('acme', id)).toEqual([]);
    // The name is free again.
    expect(
      (await h.request('POST', '/v1/sessions', { token: acme, body: { name: 'to-delete' } })).status,
    ).toBe(201);
    await h.removeHost('host-slow');
  });

  it('wipes without asking when the owner’s lease expired (it fenced itself before that)', async () => {
    const id = await h.createSession(acme);
    await h.hostWrites(id, { ownerHostId: 'host-gone', desired: 'RUNNING', epoch: 2 });
    await h.putAuthObject('acme', id, 'journal/2-1-abc.json');
    h.hostClient.calls.length = 0;
    expect((await h.request('DELETE', `/v1/sessions/${id}`, { token: acme })).status).toBe(204);
    expect(h.hostClient.callsOf('quiesce')).toEqual([]);
    expect(await h.authObjects('acme', id)).toEqual([]);
  });

  it('answers 404 when deleting twice', async () => {
    const id = await h.createSession(acme);
    await h.request('DELETE', `/v1/sessions/${id}`, { token: acme });
    expect((await h.request('DELETE', `/v1/sessions/${id}`, { token: acme })).status).toBe(404);
  });
});
