/**
 * A send whose socket closes under it (its key transaction refused, so its
 * frame never left) is a session not connected: the synchronous send route
 * answers 409 SESSION_NOT_CONNECTED, never a 5xx, and the outbox keeps the row
 * queued (outbox-socket-closed.unit.test.ts). The error is the one Baileys'
 * own transaction layer rethrows over our key store, not one built here.
 */
import { addTransactionCapability, type SignalDataSet } from '@whiskeysockets/baileys';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import type { HostMetrics } from '../../session-host/src/metrics.ts';
import { CommitBeforeWire } from '../../session-host/src/runtime/commit-before-wire.ts';
import { SessionNotConnectedError } from '../../session-host/src/runtime/session-errors.ts';
import type { SessionHost } from '../../session-host/src/session-host.ts';
import { memoryStore } from './memory-key-store.ts';

const TOKEN = 'internal-token-for-tests-0123456789';
const session = { session: { '1555@s.whatsapp.net': new Uint8Array([1]) } } as SignalDataSet;

/** The error a send meets when its socket closed mid-transaction, as Baileys hands it back. */
async function socketClosedUnderASend(): Promise<unknown> {
  const mem = memoryStore();
  const commits = new CommitBeforeWire();
  const keys = addTransactionCapability(commits.wrap(mem.store), pino({ level: 'silent' }), {
    maxCommitRetries: 1,
    delayBetweenTriesMs: 0,
  });
  commits.attach(keys);
  try {
    await keys.transaction(async () => {
      await keys.set(session);
      commits.close();
    }, '1555@s.whatsapp.net');
  } catch (err) {
    expect(mem.writes).toHaveLength(0);
    return err;
  }
  throw new Error('the transaction on a closed socket was not refused');
}

describe('a send whose socket closed under it', () => {
  it('fails as a session not connected', async () => {
    const err = await socketClosedUnderASend();
    expect(err).toBeInstanceOf(SessionNotConnectedError);
    expect((err as Error).name).toBe('SocketClosedError');
  });

  it('is answered 409 SESSION_NOT_CONNECTED by the internal send route, not a 5xx', async () => {
    const closed = await socketClosedUnderASend();
    let sends = 0;
    const host = {
      session: (id: string) =>
        id === 's1'
          ? {
              isConnected: true,
              send: async () => {
                sends++;
                throw closed;
              },
            }
          : undefined,
    } as unknown as SessionHost;
    const app = createInternalApi(host, {} as HostMetrics, TOKEN);
    const res = await app.request('/internal/sessions/s1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ to: '15550001111', text: 'hi', messageId: '3EB0000000000000DDDD' }),
    });
    expect(sends).toBe(1);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SESSION_NOT_CONNECTED');
  });
});
