import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, signToken, unsignedToken } from './support/api-harness.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk));
    done();
  },
});

let h: ApiHarness;
beforeAll(async () => {
  h = await createApiHarness('logs', { log: pino({ level: 'trace' }, sink) });
  await h.putHost({ hostId: 'h-logs', expiresAt: 4_000_000_000 });
});
afterAll(() => h.destroy());

describe('logs', () => {
  it('never contain a token or a QR, on success, refusal or failure', async () => {
    const token = await signToken({ tenant: 'acme', role: 'ADMIN' });
    const badTokens = [
      await signToken({ tenant: 'acme', secret: 'wrong-secret-wrong-secret-0123456789' }),
      unsignedToken('acme'),
      await signToken({ tenant: 'acme', role: 'VIEWER' }),
    ];
    const qrValue = '2@very-secret-qr-reference,pubkey,identity';
    const id = await h.createSession(token);
    await h.request('POST', `/v1/sessions/${id}/start`, { token });
    await h.hostWrites(id, {
      status: 'QR',
      epoch: 1,
      qr: { value: qrValue, seq: 1, expiresAt: '2099-01-01T00:00:00.000Z' },
    });
    expect((await h.request('GET', `/v1/sessions/${id}/qr`, { token })).status).toBe(200);
    for (const bad of badTokens) await h.request('GET', '/v1/sessions', { token: bad });
    await h.hostWrites(id, { status: 'CONNECTED' });
    h.hostClient.onSend = async () => {
      throw new Error('socket hang up');
    };
    expect(
      (
        await h.request('POST', `/v1/sessions/${id}/messages`, {
          token,
          body: { to: '4915123456789', text: 'x', mode: 'sync' },
        })
      ).status,
    ).toBe(500);

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    expect(log).toContain('request failed');
    for (const secret of [token, ...badTokens, qrValue]) {
      expect(log).not.toContain(secret);
      expect(log).not.toContain(secret.split('.')[2] || secret);
    }
  });
});
