/**
 * The reconcile timer's look at send queues: an empty queue is read again
 * only once per backstop, a queue left with work is read on the next round.
 */
import { describe, expect, it } from 'vitest';
import { SendQueueFullError } from '../../session-host/src/runtime/send-pacer.ts';
import { waitFor } from '../support/wait-for.ts';
import { drainWorld } from './outbox-drain-world.ts';

function world(options: { backstopMs: number }) {
  const sent: string[] = [];
  let refuse = false;
  const w = drainWorld({
    backstopMs: options.backstopMs,
    send: async (m) => {
      if (refuse) throw new SendQueueFullError('full', 1);
      sent.push(m.messageId as string);
      return { messageId: m.messageId as string };
    },
  });
  return {
    ...w,
    sent,
    refuse: (on: boolean) => {
      refuse = on;
    },
  };
}

describe('outbox backstop', () => {
  it('reads an empty queue once per backstop, and then sends what a lost nudge left', async () => {
    const w = world({ backstopMs: 60_000 });
    w.drains.backstop(['s1']);
    await w.settled();
    expect(w.reads()).toBe(1);
    w.enqueue('m1'); // its nudge never arrives
    for (let i = 0; i < 5; i++) {
      w.advance(5_000);
      w.drains.backstop(['s1']);
      await w.settled();
    }
    expect(w.reads()).toBe(1);
    w.advance(35_000);
    w.drains.backstop(['s1']);
    await waitFor(() => w.sent.includes('m1'), 'm1 sent');
  });

  it('reads a queue left with work on the very next round', async () => {
    const w = world({ backstopMs: 60_000 });
    w.enqueue('m1');
    w.refuse(true); // the pacer is full: the message stays queued
    w.drains.kick('s1');
    await w.settled();
    expect(w.sent).toEqual([]);
    w.refuse(false);
    w.advance(5_000);
    w.drains.backstop(['s1']);
    await waitFor(() => w.sent.includes('m1'), 'm1 sent on the next round');
  });

  it('forgets sessions that no longer run here', async () => {
    const w = world({ backstopMs: 60_000 });
    w.drains.backstop(['s1']);
    await w.settled();
    w.drains.backstop([]);
    // Seen again: nothing remembered, so it is read at once.
    w.drains.backstop(['s1']);
    await w.settled();
    expect(w.reads()).toBe(2);
  });
});
