import { proto } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import { HostHarness, type RunningHost } from './host-harness.ts';

const TOKEN = 'internal-token-for-tests-0123456789';
let h: HostHarness;
let running: RunningHost;
let app: ReturnType<typeof createInternalApi>;
let sessionId: string;
let contactPn: string;

beforeAll(async () => {
  h = await HostHarness.create();
  running = await h.startHost();
  app = createInternalApi(running.host, running.metrics, TOKEN);
  sessionId = await h.createSession();
  contactPn = h.fake.createUser({ name: 'Dora' }).pn;
  await h.link(sessionId);
});
afterAll(() => h.dispose());

const call = (path: string, body?: unknown, token: string | null = TOKEN) =>
  app.request(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

describe('the host’s internal endpoint', () => {
  it('refuses commands without the internal credential, or with a wrong one', async () => {
    const body = { to: contactPn, text: 'x', messageId: '3EB0000000000000AAAA' };
    for (const token of [null, 'wrong', `${TOKEN}x`]) {
      const res = await call(`/internal/sessions/${sessionId}/messages`, body, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: 'UNAUTHENTICATED', message: 'internal credential required' },
      });
    }
    const basic = await app.request(`/internal/nudge`, {
      method: 'POST',
      headers: { authorization: `Basic ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId }),
    });
    expect(basic.status).toBe(401);
    expect(h.fake.inbox(contactPn)).toEqual([]);
  });

  it('tags every response with a request id, keeping a well-formed one the caller sent', async () => {
    const fresh = await call('/healthz', undefined, null);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = await app.request('/healthz', { headers: { 'x-request-id': 'api-req-123' } });
    expect(given.headers.get('x-request-id')).toBe('api-req-123');
    const refused = await call('/internal/nudge', {}, null);
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends a message on a connected session and returns the WhatsApp message id', async () => {
    const res = await call(`/internal/sessions/${sessionId}/messages`, {
      to: contactPn,
      text: 'through the internal api',
      messageId: '3EB0000000000000BBBB',
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { messageId: string; status: string; content: string };
    expect(body).toMatchObject({ messageId: '3EB0000000000000BBBB', status: 'SENT' });
    // The message as sent, for the API to keep with the row (a resend by a later owner).
    const sent = proto.Message.decode(Buffer.from(body.content, 'base64'));
    expect(sent.extendedTextMessage?.text ?? sent.conversation).toBe('through the internal api');
    const got = await h.fake.waitForMessage(contactPn, (m) => m.text === 'through the internal api');
    expect(got.id).toBe('3EB0000000000000BBBB');
  });

  it('sends once when the same message id comes twice', async () => {
    const body = { to: contactPn, text: 'only once', messageId: '3EB0000000000000CCCC' };
    expect((await call(`/internal/sessions/${sessionId}/messages`, body)).status).toBe(201);
    expect((await call(`/internal/sessions/${sessionId}/messages`, body)).status).toBe(201);
    await h.fake.waitForMessage(contactPn, (m) => m.text === 'only once');
    // A later message on the same socket arrives after any second copy would have.
    const marker = { to: contactPn, text: 'after the duplicate', messageId: '3EB0000000000000CCCD' };
    expect((await call(`/internal/sessions/${sessionId}/messages`, marker)).status).toBe(201);
    await h.fake.waitForMessage(contactPn, (m) => m.text === 'after the duplicate');
    expect(h.fake.inbox(contactPn).filter((m) => m.text === 'only once')).toHaveLength(1);
  });

  it('answers 409 SESSION_NOT_CONNECTED for a session not running here', async () => {
    const res = await call('/internal/sessions/ses_unknown/messages', {
      to: contactPn,
      text: 'x',
      messageId: '3EB0000000000000DDDD',
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'SESSION_NOT_CONNECTED' } });
  });

  it.each([
    [{}],
    [{ to: contactPn, text: '', messageId: '3EB0000000000000EEEE' }],
    [{ to: contactPn, text: 'x', messageId: 'lowercase-not-allowed' }],
    ['not json'],
  ])('rejects a malformed send with 400 (%j)', async (body) => {
    const res = await app.request(`/internal/sessions/${sessionId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'expected {to, text, messageId}' },
    });
  });

  it.each([
    ['/internal/nudge', { sessionId: '' }, 'expected {sessionId}'],
    [`/internal/sessions/ses_x/pairing-code`, { phoneNumber: '0123' }, 'expected {phoneNumber}'],
  ])('rejects a malformed %s body with 400 VALIDATION_FAILED', async (path, body, message) => {
    const res = await call(path, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message } });
  });

  it('accepts a nudge and serves health, readiness and Prometheus metrics', async () => {
    expect((await call('/internal/nudge', { sessionId })).status).toBe(202);
    expect((await call('/healthz', undefined, null)).status).toBe(200);
    expect((await call('/readyz', undefined, null)).status).toBe(200);
    const scrape = await call('/metrics', undefined, null);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = await scrape.text();
    expect(metrics).toMatch(/^zapfleet_sessions\{status="CONNECTED"\} 1$/m);
    expect(metrics).toMatch(/^zapfleet_messages_out_total [1-9]\d*$/m);
    expect(metrics).toMatch(/^zapfleet_event_loop_lag_ms \d/m);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
  });
});
