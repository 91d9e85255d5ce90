import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';

/** Pairing codes per session and per tenant (fixed windows in DynamoDB Local), and the phone number match. */
const PAIRING = { perSession: 2, perTenant: 3, windowSeconds: 600 };
let h: ApiHarness;
beforeAll(async () => {
  h = await createApiHarness('pairing', { limits: { pairing: PAIRING } });
  await h.putHost({ hostId: 'h-pair' });
});
afterAll(() => h.destroy());

type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };

async function qrSession(token: string, body: Record<string, unknown> = {}): Promise<string> {
  const id = await h.createSession(token, body);
  expect((await h.request('POST', `/v1/sessions/${id}/start`, { token })).status).toBe(202);
  await h.hostWrites(id, { status: 'QR', epoch: 1 });
  return id;
}
const pair = (token: string, id: string, phoneNumber = '4915123456789') =>
  h.request('POST', `/v1/sessions/${id}/pairing-code`, { token, body: { phoneNumber } });

describe('pairing code limits', () => {
  it('refuses a third code for one session, then a fourth for the tenant, with RATE_LIMITED and Retry-After', async () => {
    const token = await h.adminToken('pairs');
    const [a, b] = [await qrSession(token), await qrSession(token)];
    expect((await pair(token, a)).status).toBe(200);
    expect((await pair(token, a)).status).toBe(200);
    const perSession = await pair(token, a);
    expect(perSession.status).toBe(429);
    expect(Number(perSession.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await perSession.json()) as ErrorBody).error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { limit: 'pairingCodesPerSession' },
    });
    expect((await pair(token, b)).status).toBe(200);
    const perTenant = await pair(token, b);
    expect(perTenant.status).toBe(429);
    expect(((await perTenant.json()) as ErrorBody).error.details).toMatchObject({
      limit: 'pairingCodesPerTenant',
    });
    expect(
      h.hostClient.callsOf('pairing').filter((c) => c.sessionId === a || c.sessionId === b),
    ).toHaveLength(3);
  });

  it('refuses another number than the session was created with, and never asks the host', async () => {
    const token = await h.adminToken('phones');
    const id = await qrSession(token, { phoneNumber: '+49 151 23456789' });
    const res = await pair(token, id, '4915199999999');
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.code).toBe('PHONE_NUMBER_MISMATCH');
    expect(h.hostClient.callsOf('pairing').filter((c) => c.sessionId === id)).toEqual([]);
    expect((await pair(token, id, '+49 151 2345 6789')).status).toBe(200);
  });
});
