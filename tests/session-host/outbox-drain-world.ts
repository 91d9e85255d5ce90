/**
 * OutboxDrains over an in-memory send queue and one session 's1' whose send
 * the test supplies: for tests about the drain's logic (what stays queued,
 * what fails, when a queue is read), not about storage.
 */
import pino from 'pino';
import type { QueuedMessage, SendQueue } from '#commons/domain/session-outbox.ts';
import { type DrainTarget, OutboxDrains } from '../../session-host/src/host/outbox-drains.ts';
import { waitFor } from '../support/wait-for.ts';

export type WorldRow = QueuedMessage & { state: string; code?: string };

export function drainWorld(options: { readonly send: DrainTarget['send']; readonly backstopMs?: number }) {
  const rows: WorldRow[] = [];
  let reads = 0;
  let now = 1_000_000;
  const queue = {
    pending: async () => {
      reads++;
      return rows.filter((r) => r.state === 'QUEUED' || r.state === 'SENDING');
    },
    markSending: async (row: WorldRow) => {
      row.state = 'SENDING';
      return 'marked' as const;
    },
    markDone: async (row: WorldRow, _epoch: number, done: { state: string; code?: string }) => {
      Object.assign(row, done);
      return 'marked' as const;
    },
  } as unknown as SendQueue;
  const target: DrainTarget = { sessionId: 's1', epoch: 1, isConnected: true, send: options.send };
  const drains = new OutboxDrains({
    queue,
    events: { push: async () => ({}) as never },
    logger: pino({ level: 'silent' }),
    current: (id) => (id === 's1' ? target : undefined),
    now: () => new Date(now),
    backstopMs: options.backstopMs ?? 60_000,
  });
  const enqueue = (messageId: string): WorldRow => {
    const row = {
      messageId,
      idempotencyKey: messageId,
      sessionId: 's1',
      tenantId: 't',
      to: '15550001111',
      text: 'hi',
      state: 'QUEUED',
    } as unknown as WorldRow;
    rows.push(row);
    return row;
  };
  return {
    drains,
    enqueue,
    settled: () => waitFor(() => drains.size === 0, 'the drain pass settled'),
    reads: () => reads,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
