/**
 * A send that stalls reports what its socket waited on (SendStalledError.waits,
 * logged by the outbox as "send stalled"): whether a key transaction held the
 * Signal sessions and for how long, what held the outgoing frames, and how
 * many queries WhatsApp had not answered. That tells a wait on our storage or
 * on our own locks from a wait on WhatsApp.
 */
import { EventEmitter } from 'node:events';
import { addTransactionCapability } from '@whiskeysockets/baileys';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CommitBeforeWire } from '../../session-host/src/runtime/commit-before-wire.ts';
import { ReceiptGate } from '../../session-host/src/runtime/receipt-gate.ts';
import { memoryStore } from './memory-key-store.ts';

const contact = '15550001111@s.whatsapp.net';

function socketKeys() {
  const commits = new CommitBeforeWire();
  const keys = addTransactionCapability(commits.wrap(memoryStore().store), pino({ level: 'silent' }), {
    maxCommitRetries: 1,
    delayBetweenTriesMs: 0,
  });
  commits.attach(keys);
  return { commits, keys };
}

function opened<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('what a socket waits on', () => {
  it('names the transaction holding the Signal sessions by kind, not by number, and counts those waiting', async () => {
    const { commits, keys } = socketKeys();
    expect(commits.waits()).toEqual({ waitingForSessions: 0, earlyWritesPending: 0 });
    const held = opened();
    const took = opened();
    const send = keys.transaction(async () => {
      await keys.get('session', [contact]);
      took.open();
      await held.promise;
    }, '15559998888:3@s.whatsapp.net');
    await took.promise;
    const decrypt = keys.transaction(async () => {
      await keys.get('session', [contact]);
    }, contact);
    await new Promise((resolve) => setTimeout(resolve, 10));

    const waits = commits.waits();
    expect(waits.sessionsHeldBy).toMatchObject({ kind: 'jid@s.whatsapp.net', committing: false });
    expect(waits.sessionsHeldBy?.heldMs).toBeGreaterThanOrEqual(0);
    expect(waits.waitingForSessions).toBe(1);
    expect(JSON.stringify(waits)).not.toContain('1555');

    held.open();
    await Promise.all([send, decrypt]);
    expect(commits.waits()).toEqual({ waitingForSessions: 0, earlyWritesPending: 0 });
  });

  it('counts early commits until they settle', async () => {
    const { commits, keys } = socketKeys();
    await keys.transaction(async () => {
      await keys.set({ session: { [contact]: new Uint8Array([1]) } });
      const write = commits.beforeFrame();
      expect(commits.waits().earlyWritesPending).toBe(1);
      await write;
      await new Promise((resolve) => setImmediate(resolve));
      expect(commits.waits().earlyWritesPending).toBe(0);
    }, 'me');
  });

  it("reports the gate's holds, its held frames and WhatsApp's unanswered queries", () => {
    const commits = new CommitBeforeWire();
    const gate = new ReceiptGate({ fallbackMs: 60_000, onFallback: () => undefined, commits });
    const client = new EventEmitter() as EventEmitter & { socket: { send: (data: unknown) => void } };
    const wire: unknown[] = [];
    client.socket = { send: (data) => void wire.push(data) };
    gate.attach(client);
    expect(gate.waits()).toMatchObject({ messageHolds: 0, commitHolds: 0, heldFrames: 0, pendingQueries: 0 });

    gate.hold('3EB0AAAA');
    client.socket.send('receipt');
    client.on('TAG:101', () => undefined);
    client.on('TAG:102', () => undefined);
    client.on('close', () => undefined);

    const waits = gate.waits();
    expect(waits).toMatchObject({ messageHolds: 1, commitHolds: 0, heldFrames: 1, pendingQueries: 2 });
    expect(waits.oldestHoldMs).toBeGreaterThanOrEqual(0);
    expect(waits.keys).toEqual({ waitingForSessions: 0, earlyWritesPending: 0 });
    expect(wire).toEqual([]);

    gate.release('3EB0AAAA');
    expect(wire).toEqual(['receipt']);
    expect(gate.waits()).toMatchObject({ messageHolds: 0, heldFrames: 0, oldestHoldMs: 0 });
    gate.close();
  });
});
