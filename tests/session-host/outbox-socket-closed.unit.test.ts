/**
 * A send whose socket closed under it (the key layer's SocketClosedError: its
 * keys never committed, so its frame never left) stays queued for the next
 * socket and does not spend one of its MAX_SEND_ATTEMPTS. Chaos seed 4 of
 * a5e8114: during an S3 outage each renewed socket closed within a second or
 * two, three sends each hit a closing socket, and the message was FAILED
 * (SEND_FAILED) though nothing of it had reached WhatsApp.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SEND_ATTEMPTS } from '../../session-host/src/host/outbox-drains.ts';
import { SocketClosedError } from '../../session-host/src/runtime/key-entries.ts';
import { drainWorld } from './outbox-drain-world.ts';

function world(failures: () => Error) {
  let failuresLeft = MAX_SEND_ATTEMPTS + 2;
  const w = drainWorld({
    send: async (m) => {
      if (failuresLeft-- > 0) throw failures();
      return { messageId: m.messageId as string };
    },
  });
  const row = w.enqueue('m1');
  /** One drain pass per reconnect, as many as there are failures and one more. */
  const drainAfterEachReconnect = async () => {
    for (let i = 0; i < MAX_SEND_ATTEMPTS + 3 && row.state !== 'SENT' && row.state !== 'FAILED'; i++) {
      w.drains.kick('s1');
      await w.settled();
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
