/**
 * A send whose socket closed under it (the key layer's SocketClosedError: its
 * keys never committed, so its frame never left) stays queued for the next
 * socket and does not spend one of its MAX_SEND_ATTEMPTS. Chaos seed 4 of
 * a5e8114: during an S3 outage each renewed socket closed within a second or
 * two, three sends each hit a closing socket, and the message was FAILED
 * (SEND_FAILED) though nothing of it had reached WhatsApp.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { QueuedMessage, SendQueue } from '#commons/domain/session-outbox.ts';
import {
  type DrainTarget,
  MAX_SEND_ATTEMPTS,
  OutboxDrains,
} from '../../session-host/src/host/outbox-drains.ts';
import { SocketClosedError } from '../../session-host/src/runtime/key-entries.ts';
import { waitFor } from '../support/wait-for.ts';

function world(failures: () => Error) {
  const row = {
    messageId: 'm1',
    idempotencyKey: 'm1',
    sessionId: 's1',
    tenantId: 't',
    to: '15550001111',
    text: 'hi',
    state: 'QUEUED',
  } as unknown as QueuedMessage & { state: string; code?: string };
  let failuresLeft = MAX_SEND_ATTEMPTS + 2;
  const queue = {
    pending: async () => (row.state === 'QUEUED' || row.state === 'SENDING' ? [row] : []),
    markSending: async () => {
      row.state = 'SENDING';
      return 'marked' as const;
    },
    markDone: async (_row: QueuedMessage, _epoch: number, done: { state: string; code?: string }) => {
      Object.assign(row, done);
      return 'marked' as const;
    },
  } as unknown as SendQueue;
  const target: DrainTarget = {
    sessionId: 's1',
    epoch: 1,
    isConnected: true,
    send: async (m) => {
      if (failuresLeft-- > 0) throw failures();
      return { messageId: m.messageId as string };
    },
  };
  const drains = new OutboxDrains({
    queue,
    events: { push: async () => ({}) as never },
    logger: pino({ level: 'silent' }),
    current: (id) => (id === 's1' ? target : undefined),
    now: () => new Date(1_000_000),
    backstopMs: 60_000,
  });
  /** One drain pass per reconnect, as many as there are failures and one more. */
  const drainAfterEachReconnect = async () => {
    for (let i = 0; i < MAX_SEND_ATTEMPTS + 3 && row.state !== 'SENT' && row.state !== 'FAILED'; i++) {
      drains.kick('s1');
      await waitFor(() => drains.size === 0, 'the drain pass settled');
    }
  };
  return { row, drainAfterEachReconnect };
}

describe('a send whose socket closed under it', () => {
  it('stays queued and is sent on a later socket, however many sockets closed first', async () => {
    const w = world(() => new SocketClosedError('the socket closed: its keys are not committed'));
    await w.drainAfterEachReconnect();
    expect(w.row.state).toBe('SENT');
  });

  it('while a failure of unknown cause still ends in SEND_FAILED after MAX_SEND_ATTEMPTS', async () => {
    const w = world(() => new Error('boom'));
    await w.drainAfterEachReconnect();
    expect([w.row.state, w.row.code]).toEqual(['FAILED', 'SEND_FAILED']);
  });
});
