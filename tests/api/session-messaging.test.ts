import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MESSAGE_ID_PATTERN } from '#commons/domain/ids.ts';
import {
  HostTimeoutError,
  HostUnreachableError,
  SessionNotConnectedError,
} from '#commons/errors/app-errors.ts';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';

let h: ApiHarness;
let token: string;
beforeAll(async () => {
  h = await createApiHarness('messaging');
  token = await h.adminToken('acme');
  await h.putHost({ hostId: 'h-msg', expiresAt: 4_000_000_000 });
});
afterAll(() => h.destroy());
beforeEach(() => {
  h.hostClient.calls.length = 0;
  h.hostClient.onSend = async (m) => ({ messageId: m.messageId, status: 'SENT' });
});

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; details?: Record<string, unknown> } }).error;

/** A session a host has started and reported as `status`. */
async function runningSession(status: string, extra: Record<string, unknown> = {}): Promise<string> {
  const id = await h.createSession(token);
  expect((await h.request('POST', `/v1/sessions/${id}/start`, { token })).status).toBe(202);
  await h.hostWrites(id, { status: status as 'CONNECTED', epoch: 1, ...extra });
  return id;
}

describe('the QR endpoint', () => {
  const qr = () => ({
    value: '2@abc,def,ghi,jkl',
    seq: 4,
    expiresAt: new Date(h.now.getTime() + 20_000).toISOString(),
  });

  it('answers the current QR as JSON with no-store', async () => {
    const current = qr();
    const id = await runningSession('QR', { qr: current });
    const res = await h.request('GET', `/v1/sessions/${id}/qr`, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ qr: current.value, seq: 4, expiresAt: current.expiresAt });
  });

  it('renders PNG and SVG images', async () => {
    const id = await runningSession('QR', { qr: qr() });
    const png = await h.request('GET', `/v1/sessions/${id}/qr?format=png`, { token });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('cache-control')).toBe('no-store');
    expect([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const svg = await h.request('GET', `/v1/sessions/${id}/qr?format=svg`, { token });
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(await svg.text()).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it('answers 404 QR_NOT_AVAILABLE with the status when connected, and never caches it', async () => {
    const id = await runningSession('CONNECTED', { qr: qr() });
    const res = await h.request('GET', `/v1/sessions/${id}/qr`, { token });
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await errorOf(res)).toMatchObject({ code: 'QR_NOT_AVAILABLE', details: { status: 'CONNECTED' } });
  });

  it('answers 404 QR_NOT_AVAILABLE once the QR expired', async () => {
    const id = await runningSession('QR', {
      qr: { ...qr(), expiresAt: new Date(h.now.getTime() - 1).toISOString() },
    });
    const res = await h.request('GET', `/v1/sessions/${id}/qr`, { token });
    expect((await errorOf(res)).code).toBe('QR_NOT_AVAILABLE');
  });

  it('refuses an unknown format with 400', async () => {
    const id = await runningSession('QR', { qr: qr() });
    expect((await h.request('GET', `/v1/sessions/${id}/qr?format=gif`, { token })).status).toBe(400);
  });
});

describe('pairing codes', () => {
  it('forwards the phone number to the owning host and returns its code', async () => {
    const id = await runningSession('QR');
    const res = await h.request('POST', `/v1/sessions/${id}/pairing-code`, {
      token,
      body: { phoneNumber: '+49 151 23456789' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 'ABCD-EFGH' });
    expect(h.hostClient.callsOf('pairing')).toEqual([
      {
        kind: 'pairing',
        endpoint: 'http://h-msg.internal:8080',
        sessionId: id,
        phoneNumber: '4915123456789',
      },
    ]);
  });

  it('answers 409 SESSION_NOT_CONNECTED when no host runs the session', async () => {
    const id = await h.createSession(token);
    const res = await h.request('POST', `/v1/sessions/${id}/pairing-code`, {
      token,
      body: { phoneNumber: '4915123456789' },
    });
    expect(res.status).toBe(409);
    expect(h.hostClient.callsOf('pairing')).toEqual([]);
  });
});

describe('sending messages', () => {
  // The synchronous mode (201 once the host sent it); the queued default is in send-queue.test.ts.
  const send = (id: string, body: Record<string, unknown>) =>
    h.request('POST', `/v1/sessions/${id}/messages`, { token, body: { mode: 'sync', ...body } });

  it('mints the message id, forwards once and answers 201', async () => {
    const id = await runningSession('CONNECTED');
    const res = await send(id, { to: '4915123456789', text: 'hello' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { messageId: string; status: string };
    expect(body.messageId).toMatch(MESSAGE_ID_PATTERN);
    expect(body.status).toBe('SENT');
    expect(h.hostClient.callsOf('send')).toEqual([
      {
        kind: 'send',
        endpoint: 'http://h-msg.internal:8080',
        sessionId: id,
        message: { to: '4915123456789', text: 'hello', messageId: body.messageId },
      },
    ]);
  });

  it('returns the same message id for a repeated idempotency key and sends once', async () => {
    const id = await runningSession('CONNECTED');
    const first = await send(id, { to: '4915123456789', text: 'once', idempotencyKey: 'order-42' });
    const second = await send(id, { to: '4915123456789', text: 'once', idempotencyKey: 'order-42' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const a = (await first.json()) as { messageId: string };
    const b = (await second.json()) as { messageId: string };
    expect(b.messageId).toBe(a.messageId);
    expect(h.hostClient.callsOf('send')).toHaveLength(1);
    const rows = await h.aws.doc.send(
      new QueryCommand({
        TableName: h.aws.tables.outbox,
        KeyConditionExpression: 'sessionId = :s',
        ExpressionAttributeValues: { ':s': id },
      }),
    );
    expect(rows.Items).toHaveLength(1);
    expect(rows.Items?.[0]).toMatchObject({
      idempotencyKey: 'order-42',
      messageId: a.messageId,
      tenantId: 'acme',
    });
    expect(rows.Items?.[0]?.sentAt).toEqual(expect.any(String));
    expect(rows.Items?.[0]?.expiresAt).toBe(Math.floor(h.now.getTime() / 1000) + 86_400);
  });

  it('replays a repeat of the same key and body with the same id', async () => {
    const id = await runningSession('CONNECTED');
    const body = { to: '4915123456789', text: 'same', idempotencyKey: 'k-same' };
    const first = (await (await send(id, body)).json()) as { messageId: string };
    const again = await send(id, body);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { messageId: string }).messageId).toBe(first.messageId);
    expect(h.hostClient.callsOf('send')).toHaveLength(1);
  });

  it.each([
    { name: 'a different text', second: { to: '4915123456789', text: 'other text' } },
    { name: 'a different recipient', second: { to: '4915000000000', text: 'first text' } },
  ])('refuses a reused key with $name: 409 IDEMPOTENCY_KEY_REUSED, nothing sent', async ({ second }) => {
    const id = await runningSession('CONNECTED');
    const key = `k-reuse-${second.to}-${second.text.length}`;
    const first = await send(id, { to: '4915123456789', text: 'first text', idempotencyKey: key });
    expect(first.status).toBe(201);
    h.hostClient.calls.length = 0;
    const res = await send(id, { ...second, idempotencyKey: key });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', requestId: expect.any(String) });
    expect(h.hostClient.callsOf('send')).toEqual([]);
  });

  it('refuses a reused key with a different text after the first attempt failed, sending nothing', async () => {
    const id = await runningSession('CONNECTED');
    h.hostClient.onSend = async () => {
      throw new HostUnreachableError('refused');
    };
    const failed = await send(id, { to: '4915123456789', text: 'original', idempotencyKey: 'k-failed' });
    expect(failed.status).toBe(502);
    h.hostClient.onSend = async (m) => ({ messageId: m.messageId, status: 'SENT' });
    h.hostClient.calls.length = 0;
    const res = await send(id, { to: '4915123456789', text: 'substituted', idempotencyKey: 'k-failed' });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(h.hostClient.callsOf('send')).toEqual([]);
  });

  it('sends concurrent repeats of one key once', async () => {
    const id = await runningSession('CONNECTED');
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        send(id, { to: '4915123456789', text: 'race', idempotencyKey: 'race-1' }),
      ),
    );
    const ids = new Set(
      await Promise.all(results.map(async (r) => ((await r.json()) as { messageId: string }).messageId)),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(ids.size).toBe(1);
    expect(h.hostClient.callsOf('send')).toHaveLength(1);
  });

  it('re-sends a timed-out send with the same message id once its lease expired', async () => {
    const id = await runningSession('CONNECTED');
    h.hostClient.onSend = async () => {
      throw new HostTimeoutError('slow');
    };
    const failed = await send(id, { to: '4915123456789', text: 'retry', idempotencyKey: 'k-retry' });
    expect(failed.status).toBe(504);
    expect((await errorOf(failed)).code).toBe('HOST_TIMEOUT');
    h.hostClient.onSend = async (m) => ({ messageId: m.messageId, status: 'SENT' });
    h.now = new Date(h.now.getTime() + 11_000);
    const ok = await send(id, { to: '4915123456789', text: 'retry', idempotencyKey: 'k-retry' });
    expect(ok.status).toBe(201);
    const [firstCall, secondCall] = h.hostClient.callsOf('send');
    expect(secondCall?.message?.messageId).toBe(firstCall?.message?.messageId);
  });

  it('re-sends at once after a failure that certainly sent nothing', async () => {
    const id = await runningSession('CONNECTED');
    h.hostClient.onSend = async () => {
      throw new HostUnreachableError('refused');
    };
    expect((await send(id, { to: '4915123456789', text: 'x', idempotencyKey: 'k-refused' })).status).toBe(
      502,
    );
    h.hostClient.onSend = async (m) => ({ messageId: m.messageId, status: 'SENT' });
    expect((await send(id, { to: '4915123456789', text: 'x', idempotencyKey: 'k-refused' })).status).toBe(
      201,
    );
    expect(h.hostClient.callsOf('send')).toHaveLength(2);
  });

  it('sends a message refused as not connected once the session connects, under the same id', async () => {
    const id = await runningSession('DISCONNECTED');
    const refused = await send(id, { to: '4915123456789', text: 'later', idempotencyKey: 'k-later' });
    expect(refused.status).toBe(409);
    await h.hostWrites(id, { status: 'CONNECTED' });
    const sent = await send(id, { to: '4915123456789', text: 'later', idempotencyKey: 'k-later' });
    expect(sent.status).toBe(201);
    expect(h.hostClient.callsOf('send')).toHaveLength(1);
  });

  it.each([{ status: 'STOPPED' }, { status: 'QR' }, { status: 'DISCONNECTED' }])(
    'answers 409 SESSION_NOT_CONNECTED when $status, without forwarding',
    async ({ status }) => {
      const id = await runningSession(status);
      const res = await send(id, { to: '4915123456789', text: 'hi' });
      expect(res.status).toBe(409);
      expect(await errorOf(res)).toMatchObject({ code: 'SESSION_NOT_CONNECTED', details: { status } });
      expect(h.hostClient.callsOf('send')).toEqual([]);
    },
  );

  it.each([
    { error: new SessionNotConnectedError('host says no'), status: 409, code: 'SESSION_NOT_CONNECTED' },
    { error: new HostUnreachableError('refused'), status: 502, code: 'HOST_UNREACHABLE' },
    { error: new HostTimeoutError('slow'), status: 504, code: 'HOST_TIMEOUT' },
  ])('maps a host failure to $status $code', async ({ error, status, code }) => {
    const id = await runningSession('CONNECTED');
    h.hostClient.onSend = async () => {
      throw error;
    };
    const res = await send(id, { to: '4915123456789', text: 'hi' });
    expect(res.status).toBe(status);
    expect((await errorOf(res)).code).toBe(code);
  });

  it.each([
    { name: 'no recipient', body: { text: 'hi' } },
    { name: 'an empty text', body: { to: '4915123456789', text: '' } },
    { name: 'a text over 4096 characters', body: { to: '4915123456789', text: 'x'.repeat(4097) } },
    { name: 'a recipient that is not a number or JID', body: { to: 'bob', text: 'hi' } },
    {
      name: 'an idempotency key with spaces',
      body: { to: '4915123456789', text: 'hi', idempotencyKey: 'a b' },
    },
  ])('refuses $name with 400 and forwards nothing', async ({ body }) => {
    const id = await runningSession('CONNECTED');
    expect((await send(id, body)).status).toBe(400);
    expect(h.hostClient.callsOf('send')).toEqual([]);
  });
});

describe('the send route in OpenAPI', () => {
  it('documents IDEMPOTENCY_KEY_REUSED among its 409 answers, in the one error format', async () => {
    const doc = (await (await h.request('GET', '/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, Record<string, unknown>> }>>;
      components: { schemas: { Error: unknown } };
    };
    const conflict = doc.paths['/v1/sessions/{id}/messages']?.post?.responses['409'];
    expect(conflict?.description).toContain('IDEMPOTENCY_KEY_REUSED');
    expect(JSON.stringify(conflict?.content)).toContain('#/components/schemas/Error');
    expect(JSON.stringify(doc.components.schemas.Error)).toContain('IDEMPOTENCY_KEY_REUSED');
  });
});
