import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { minimumDurationMs, type SendPacing } from '#commons/domain/send-pacing.ts';
import { SendQueueFullError } from '../../session-host/src/runtime/send-pacer.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

let h: HostHarness;
beforeEach(async () => {
  h = await HostHarness.create();
});
afterEach(async () => {
  await h.dispose();
});

describe('send pacing per session', () => {
  it('sends accepted messages once, in order, no faster than the bucket; refuses past the queue limit', async () => {
    const pacing: SendPacing = { ratePerSecond: 4, burst: 2, queueLimit: 5, typingMs: 0 };
    const { host } = await h.startHost('host-1', { limits: { sendPacing: pacing } });
    const sessionId = await h.createSession();
    await h.link(sessionId);
    const contact = h.fake.createUser({ name: 'Paced' });
    const session = host.session(sessionId);
    if (!session) throw new Error('session not running');

    const ids = Array.from({ length: 7 }, (_, i) => `3EB0PACE${String(i).padStart(12, '0')}`);
    const startedAt = performance.now();
    const results = await Promise.allSettled(
      ids.map((id, i) => session.sendText(contact.pn, `paced ${i}`, id)),
    );
    const accepted = ids.filter((_, i) => results[i]?.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(accepted).toEqual(ids.slice(0, 5));
    expect(refused).toHaveLength(2);
    for (const err of refused) {
      expect(err).toBeInstanceOf(SendQueueFullError);
      expect(err.code).toBe('SEND_QUEUE_FULL');
      expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    const inbox = await waitFor(() => {
      const got = h.fake.inbox(contact.pn).filter((m) => !m.deviceSent && m.id.startsWith('3EB0PACE'));
      return got.length >= 5 && got;
    }, 'five paced messages at the contact');
    const elapsed = performance.now() - startedAt;
    expect(inbox.map((m) => m.id)).toEqual(accepted);
    expect(inbox.map((m) => m.text)).toEqual(accepted.map((_, i) => `paced ${i}`));
    // A lower bound only: the bucket lets 2 go at once, then one per 250 ms.
    expect(elapsed).toBeGreaterThanOrEqual(minimumDurationMs(pacing, 5));
  });
});
