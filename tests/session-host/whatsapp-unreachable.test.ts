import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostHarness } from './host-harness.ts';

/**
 * Real Baileys sockets pointed where no WhatsApp answers: the session says
 * WhatsApp cannot be reached and why, instead of "the connection dropped".
 */
describe('a host that cannot reach WhatsApp', () => {
  let harness: HostHarness;
  beforeAll(async () => {
    harness = await HostHarness.create();
  });
  afterAll(() => harness.dispose());

  it.each([
    ['an unresolvable host name', 'dns-host', 'wss://whatsapp.invalid/ws/chat', /did not resolve/],
    ['a refused connection', 'refused-host', 'ws://127.0.0.1:9/ws/chat', /refused/],
  ])('%s → DISCONNECTED WHATSAPP_UNREACHABLE with the cause', async (_what, hostId, url, why) => {
    await harness.startHost(hostId, { waWebSocketUrl: url });
    const sessionId = await harness.createSession(hostId);
    const record = await harness.waitForRecord(
      sessionId,
      (r) => r.status === 'DISCONNECTED' && r.statusReason?.code !== undefined,
      'DISCONNECTED with a reason',
    );
    expect(record.statusReason?.code).toBe('WHATSAPP_UNREACHABLE');
    expect(record.statusReason?.message).toMatch(why);
    const event = await harness.waitForEvent(sessionId, (e) => e.type === 'session:disconnected');
    expect(event.data).toMatchObject({ willReconnect: true, reason: { code: 'WHATSAPP_UNREACHABLE' } });
  });
});
