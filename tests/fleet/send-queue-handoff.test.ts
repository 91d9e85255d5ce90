/**
 * The send queue across a handoff, with real session-host processes: the
 * owner is sent SIGTERM while most of a session's queued messages still wait
 * their paced turn; the peer that takes the session resumes the queue, and
 * every message reaches the contact exactly once, in order. A message the old
 * owner may have written just before it let go is sent again under its id,
 * which WhatsApp (and the fake) drops: at most one such repeat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#commons/config/env-names.ts';
import { OUTBOX_RETENTION_SECONDS, queueKeyFor } from '#commons/domain/session-outbox.ts';
import { DynamoDbSendQueue } from '#commons/storage/dynamodb-send-queue.ts';
import { FleetHarness } from './fleet-harness.ts';

const MESSAGES = 16;
// Slow enough that the SIGTERM lands with most of the queue waiting.
const PACED = { [ENV.sendRatePerSecond]: '4', ZAPFLEET_SEND_BURST: '1' };

let h: FleetHarness;
beforeAll(async () => {
  h = await FleetHarness.create();
  await Promise.all([h.startHost('host-1', PACED), h.startHost('host-2', PACED)]);
}, 60_000);
afterAll(() => h.dispose(), 60_000);

describe('the send queue across a handoff', () => {
  it('delivers every queued message once, in order, when the owner is stopped mid-queue', async () => {
    const sessionId = await h.createSession('host-1');
    await h.link(sessionId);
    const contact = h.fake.createUser({ name: 'Handoff contact' });
    const duplicates: string[] = [];
    h.fake.events.on('message-duplicate', (to: string, id: string) => {
      if (to === contact.pn) duplicates.push(id);
    });
    // What the API's 202 path writes, one message after another.
    const queue = new DynamoDbSendQueue({ client: h.aws.doc, outboxTable: h.aws.tables.outbox });
    const ids: string[] = [];
    const start = Date.now();
    for (let i = 0; i < MESSAGES; i++) {
      const messageId = `3EB0HANDOFF${String(i).padStart(10, '0')}`;
      const at = new Date(start + i);
      const result = await queue.enqueue(
        {
          sessionId,
          idempotencyKey: messageId,
          messageId,
          tenantId: 'acme',
          createdAt: at.toISOString(),
          expiresAt: Math.floor(start / 1000) + OUTBOX_RETENTION_SECONDS,
          to: contact.pn,
          text: `handoff ${i}`,
          queueKey: queueKeyFor(at, messageId),
          state: 'QUEUED',
        },
        100,
        at,
      );
      expect(result.kind).toBe('created');
      ids.push(messageId);
    }
    await h.nudge('host-1', sessionId);
    const received = () =>
      h.fake
        .inbox(contact.pn)
        .filter((m) => !m.deviceSent)
        .map((m) => m.id);
    await h.until('the first queued messages at the contact', async () =>
      received().length >= 2 ? true : undefined,
    );
    const stopped = h.hosts.get('host-1');
    if (!stopped) throw new Error('host-1 is not running');
    await stopped.process.stop(30_000);
    // The handoff happened with messages still queued.
    expect(received().length).toBeLessThan(MESSAGES);
    await h.until(
      'every queued message at the contact',
      async () => (received().length >= MESSAGES ? true : undefined),
      60_000,
    );
    expect((await h.record(sessionId))?.ownerHostId).toBe('host-2');
    expect(received()).toEqual(ids);
    expect(
      h.fake
        .inbox(contact.pn)
        .filter((m) => !m.deviceSent)
        .map((m) => m.text),
    ).toEqual(ids.map((_, i) => `handoff ${i}`));
    expect(duplicates.length).toBeLessThanOrEqual(1);
    // Each message told SENT once, whichever host sent it.
    const sentEvents = await h.until('a SENT event for every message', async () => {
      const events = (await h.eventsOf(sessionId)).filter(
        (e) => e.type === 'session:message-status' && e.data.status === 'SENT',
      );
      return events.length >= MESSAGES ? events : undefined;
    });
    expect(sentEvents.map((e) => e.data.id)).toEqual(ids);
  }, 120_000);
});
