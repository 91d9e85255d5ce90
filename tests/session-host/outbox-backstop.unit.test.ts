/**
 * The reconcile timer's look at send queues: an empty queue is read again
 * only once per backstop, a queue left with work is read on the next round.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { QueuedMessage, SendQueue } from '#commons/domain/session-outbox.ts';
import { type DrainTarget, OutboxDrains } from '../../session-host/src/host/outbox-drains.ts';
import { SendQueueFullError } from '../../session-host/src/runtime/send-pacer.ts';
import { waitFor } from '../support/wait-for.ts';

function world(options: { backstopMs: number }) {
  const rows: QueuedMessage[] = [];
  let reads = 0;
  let now = 1_000_000;
  const sent: string[] = [];
  let refuse = false;
  const queue = {
    pending: async () => {
      reads++;
      return rows.filter((r) => r.state === 'QUEUED' || r.state === 'SENDING');
    },
    markSending: async (row: QueuedMessage) => {
      Object.assign(row, { state: 'SENDING' });
      return 'marked' as const;
    },
    markDone: async (row: QueuedMessage) => {
      Object.assign(row, { state: 'SENT' });
      return 'marked' as const;
    },
  } as unknown as SendQueue;
  const target: DrainTarget = {
    sessionId: 's1',
    epoch: 1,
    isConnected: true,
    send: async (m) => {
      if (refuse) throw new SendQueueFullError('full', 1);
      sent.push(m.messageId as string);
      return { messageId: m.messageId as string };
    },
  };
  const drains = new OutboxDrains({
    queue,
    events: { push: async () => ({}) as never },
    logger: pino({ level: 'silent' }),
    current: (id) => (id === 's1' ? target : undefined),
    now: () => new Date(now),
    backstopMs: options.backstopMs,
  });
  const enqueue = (messageId: string) =>
    rows.push({
      messageId,
      idempotencyKey: messageId,
      sessionId: 's1',
      tenantId: 't',
      to: '15550001111',
      text: 'hi',
      state: 'QUEUED',
    } as unknown as QueuedMessage);
  const settled = () => waitFor(() => drains.size === 0, 'drain settled');
  return {
    drains,
    enqueue,
    settled,
    sent,
    reads: () => reads,
    advance: (ms: number) => {
      now += ms;
    },
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
