import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';

let h: ApiHarness;
let token: string;
let sessionId: string;
beforeAll(async () => {
  h = await createApiHarness('recipients');
  token = await h.adminToken('acme');
  await h.putHost({ hostId: 'h-rcpt', expiresAt: 4_000_000_000 });
  sessionId = await h.createSession(token);
  expect((await h.request('POST', `/v1/sessions/${sessionId}/start`, { token })).status).toBe(202);
  await h.hostWrites(sessionId, { status: 'CONNECTED', epoch: 1 });
});
afterAll(() => h.destroy());
beforeEach(() => {
  h.hostClient.calls.length = 0;
  h.hostClient.onSend = async (m) => ({ messageId: m.messageId, status: 'SENT' });
});

const send = (to: string) =>
  h.request('POST', `/v1/sessions/${sessionId}/messages`, { token, body: { to, text: 'hi', mode: 'sync' } });

describe('message recipients', () => {
  it.each([['4915123456789'], ['+4915123456789'], ['4915123456789@s.whatsapp.net'], ['201651282282156@lid']])(
    'forwards %s, the chat of an event as is',
    async (to) => {
      const res = await send(to);
      expect(res.status).toBe(201);
      expect(h.hostClient.calls.at(-1)?.message).toMatchObject({ to });
    },
  );

  it.each([
    ['status@broadcast'],
    ['120363025246125888@newsletter'],
    ['4915123456789:2@s.whatsapp.net'],
    ['201651282282156:4@lid'],
    ['someone@example.com'],
  ])('refuses %s with 400 VALIDATION_FAILED and forwards nothing', async (to) => {
    const res = await send(to);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    expect(h.hostClient.calls).toEqual([]);
  });
});
