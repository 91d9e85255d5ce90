/**
 * A frame Baileys sends from inside a key transaction leaves only once the
 * keys the transaction set so far are durable: a host that dies or is fenced
 * right after the frame left must not have sent a message its successor
 * cannot continue from. Driven through Baileys' own transaction layer.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { addTransactionCapability, type SignalDataSet, type SignalKeyStore } from '@whiskeysockets/baileys';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { CommitBeforeWire } from '../../session-host/src/runtime/commit-before-wire.ts';
import { ReceiptGate } from '../../session-host/src/runtime/receipt-gate.ts';
import { memoryStore } from './memory-key-store.ts';

/** The socket's store as `makeWASocket` builds it (Baileys' transaction layer over ours), watched. */
function socketKeys(store: SignalKeyStore) {
  const commits = new CommitBeforeWire();
  const keys = addTransactionCapability(commits.wrap(store), pino({ level: 'silent' }), {
    maxCommitRetries: 1,
    delayBetweenTriesMs: 0,
  });
  commits.attach(keys);
  return { commits, keys };
}

const session = (n: number) => ({ session: { '1555@s.whatsapp.net': new Uint8Array([n]) } }) as SignalDataSet;

describe('frames sent inside a key transaction', () => {
  it('wait for the keys set before them, and the commit does not write those keys again', async () => {
    const mem = memoryStore();
    const { commits, keys } = socketKeys(mem.store);
    let durableWhenSent = false;
    await keys.transaction(async () => {
      await keys.set(session(1));
      const commit = commits.beforeFrame();
      expect(commit).toBeDefined();
      await commit;
      durableWhenSent = mem.durable.has('session/1555@s.whatsapp.net');
    }, 'me');
    expect(durableWhenSent).toBe(true);
    expect(mem.writes).toHaveLength(1);
    expect(commits.earlyEntries).toBe(0);
  });

  it('do not wait when nothing was set yet (an IQ the transaction awaits), nor outside a transaction', async () => {
    const mem = memoryStore();
    const { commits, keys } = socketKeys(mem.store);
    expect(commits.beforeFrame()).toBeUndefined();
    await keys.transaction(async () => {
      expect(commits.beforeFrame()).toBeUndefined();
      await keys.set(session(1));
      await commits.beforeFrame();
      // A second frame with nothing new set since the first commit waits for nothing.
      expect(commits.beforeFrame()).toBeUndefined();
      await keys.set(session(2));
    }, 'me');
    // The key changed after the early commit: the transaction's commit writes the new value.
    expect(mem.writes).toHaveLength(2);
    expect(mem.durable.get('session/1555@s.whatsapp.net')).toEqual(new Uint8Array([2]));
  });

  it('written early while storage fails: the frame waits for a rejection, and the commit writes the keys itself', async () => {
    const mem = memoryStore();
    const { commits, keys } = socketKeys(mem.store);
    await keys.transaction(async () => {
      await keys.set(session(1));
      mem.fail(true);
      await expect(commits.beforeFrame()).rejects.toThrow('storage unreachable');
      mem.fail(false);
    }, 'me');
    expect(mem.durable.get('session/1555@s.whatsapp.net')).toEqual(new Uint8Array([1]));
  });
});

describe('a socket that closed', () => {
  it('starts no key transaction: a message Baileys decrypts after the close spends no ratchet step', async () => {
    const mem = memoryStore();
    const { commits, keys } = socketKeys(mem.store);
    commits.close();
    let ran = false;
    await expect(
      keys.transaction(async () => {
        ran = true;
        await keys.set(session(1));
      }, '1555@s.whatsapp.net'),
    ).rejects.toThrow('the socket closed');
    expect(ran).toBe(false);
    expect(mem.writes).toHaveLength(0);
  });

  it('commits nothing a transaction open at the close had not written yet', async () => {
    const mem = memoryStore();
    const { commits, keys } = socketKeys(mem.store);
    await expect(
      keys.transaction(async () => {
        await keys.set(session(1));
        commits.close();
      }, '1555@s.whatsapp.net'),
    ).rejects.toThrow('its keys are not committed');
    expect(mem.writes).toHaveLength(0);
    // A direct write (no transaction) after the close is refused as well.
    await expect(keys.set(session(2))).rejects.toThrow('the socket closed');
    expect(mem.durable.size).toBe(0);
  });

  it('still ends a transaction whose frame left before the close: its keys were written early', async () => {
    const mem = memoryStore();
    const { commits, keys } = socketKeys(mem.store);
    await keys.transaction(async () => {
      await keys.set(session(1));
      await commits.beforeFrame();
      commits.close();
    }, 'me');
    expect(mem.writes).toHaveLength(1);
    expect(mem.durable.get('session/1555@s.whatsapp.net')).toEqual(new Uint8Array([1]));
  });
});

describe('transactions on the same Signal session', () => {
  it('run one after the other: a decrypt keyed by the contact reads what a send keyed by us committed', async () => {
    const mem = memoryStore();
    const { keys } = socketKeys(mem.store);
    const id = '1555@s.whatsapp.net';
    await keys.set({ session: { [id]: new Uint8Array([0]) } });
    /** A ratchet step: reads the session, works a while (storage is slow), writes it with one more byte. */
    const step = (mark: number, key: string) =>
      keys.transaction(async () => {
        const { [id]: before } = await keys.get('session', [id]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await keys.set({ session: { [id]: new Uint8Array([...(before ?? []), mark]) } });
      }, key);
    // Baileys keys a send by our JID and a decrypt by the contact's: its own mutex lets both run at once.
    await Promise.all([step(1, 'me'), step(2, id)]);
    const final = [...((await keys.get('session', [id]))[id] ?? [])];
    expect(final.sort()).toEqual([0, 1, 2]);
  });

  it('do not wait for a transaction that never touched a session', async () => {
    const mem = memoryStore();
    const { keys } = socketKeys(mem.store);
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const appState = keys.transaction(async () => {
      await keys.get('app-state-sync-version', ['regular']);
      await held;
    }, 'app-state');
    await keys.transaction(async () => {
      await keys.get('session', ['1555@s.whatsapp.net']);
    }, 'me');
    release();
    await appState;
  });
});

describe('a send and a decrypt for one contact, through libsignal’s queue', () => {
  /** libsignal's own: every encrypt and decrypt for an address runs in one queue per process. */
  const queueJob = createRequire(import.meta.url)('libsignal/src/queue_job') as <T>(
    bucket: string,
    work: () => Promise<T>,
  ) => Promise<T>;
  const contact = '1777@s.whatsapp.net';
  /** What libsignal does in its queued job: read the session, write it one ratchet step on. */
  const ratchet = (keys: ReturnType<typeof socketKeys>['keys'], address: string, mark: number) =>
    queueJob(address, async () => {
      const { [contact]: before } = await keys.get('session', [contact]);
      await keys.set({ session: { [contact]: new Uint8Array([...(before ?? []), mark]) } });
    });
  const settledWithin = (work: Promise<unknown>, ms: number) =>
    Promise.race([
      work.then(() => 'both done'),
      new Promise((resolve) => setTimeout(() => resolve('deadlocked'), ms).unref()),
    ]);

  it('both finish: the decrypt waits for the sessions before it queues, not inside its job', async () => {
    const mem = memoryStore();
    const { keys } = socketKeys(mem.store);
    // Its own bucket: a deadlock here must not wedge another test (the queue outlives the test, as it outlives sockets).
    const address = `1777.0-${randomUUID()}`;
    await keys.set({ session: { [contact]: new Uint8Array([0]) } });
    let answer!: () => void;
    const queryAnswered = new Promise<void>((resolve) => (answer = resolve));
    let taken!: () => void;
    const sessionsTaken = new Promise<void>((resolve) => (taken = resolve));
    // Baileys' relayMessage, keyed by our JID: assertSessions reads the sessions, a pre-key fetch
    // waits for WhatsApp, then it encrypts in the contact's queue.
    const send = keys.transaction(async () => {
      await keys.get('session', [contact]);
      taken();
      await queryAnswered;
      await ratchet(keys, address, 1);
    }, 'me@s.whatsapp.net');
    await sessionsTaken;
    // A message from the contact arrives meanwhile: decryptMessage, keyed by the contact, reads the session in its job.
    const decrypt = keys.transaction(() => ratchet(keys, address, 2), contact);
    await new Promise((resolve) => setTimeout(resolve, 20));
    answer();
    expect(await settledWithin(Promise.all([send, decrypt]), 2_000)).toBe('both done');
    expect(mem.durable.get(`session/${contact}`)).toEqual(new Uint8Array([0, 1, 2]));
  });

  it('a closed socket’s transactions stop waiting for the sessions, so none keeps a place in the queue', async () => {
    const mem = memoryStore();
    const { commits, keys } = socketKeys(mem.store);
    let taken!: () => void;
    const sessionsTaken = new Promise<void>((resolve) => (taken = resolve));
    // Holds the sessions until the socket's end (a query never answered).
    void keys
      .transaction(async () => {
        await keys.get('session', [contact]);
        taken();
        await new Promise(() => undefined);
      }, 'me@s.whatsapp.net')
      .catch(() => undefined);
    await sessionsTaken;
    const waiting = keys.transaction(async () => undefined, contact);
    await vi.waitFor(() => expect(commits.waits().waitingForSessions).toBe(1));
    commits.close();
    await expect(waiting).rejects.toThrow('the socket closed while waiting for its Signal sessions');
    expect(commits.waits().waitingForSessions).toBe(0);
  });
});

describe('the gate, given a frame whose keys are being committed', () => {
  function gated(commit: () => Promise<void> | undefined) {
    const wire: unknown[] = [];
    let terminated = 0;
    let uncommitted = 0;
    const gate = new ReceiptGate({
      fallbackMs: 10,
      onFallback: () => undefined,
      commits: { beforeFrame: commit, close: () => undefined } as unknown as CommitBeforeWire,
      onUncommitted: () => (uncommitted += 1),
    });
    const socket = {
      send: (data: unknown): void => void wire.push(data),
      terminate: () => (terminated += 1),
    };
    gate.attach({ socket, on: () => undefined });
    return { gate, socket, wire, terminated: () => terminated, uncommitted: () => uncommitted };
  }

  it('holds it, and every frame after it, until the commit is durable', async () => {
    let resolve!: () => void;
    const pending = new Promise<void>((r) => (resolve = r));
    const commits = [pending];
    const g = gated(() => commits.shift());
    g.socket.send('message');
    g.socket.send('later frame');
    // No fallback lets it out: wait well past the receipt fallback.
    await new Promise((r) => setTimeout(r, 50));
    expect(g.wire).toEqual([]);
    const flushed = g.gate.whenFlushed();
    resolve();
    await flushed;
    expect(g.wire).toEqual(['message', 'later frame']);
  });

  it('never lets it out when the commit fails: the socket is ended and a waiting send fails', async () => {
    const g = gated(() => Promise.reject(new Error('fenced')));
    g.socket.send('message');
    const flushed = g.gate.whenFlushed();
    await new Promise((r) => setTimeout(r, 20));
    expect(g.terminated()).toBe(1);
    expect(g.uncommitted()).toBe(1);
    g.gate.close();
    await expect(flushed).rejects.toThrow('the socket closed');
    expect(g.wire).toEqual([]);
  });
});

describe('key work started from a finished transaction', () => {
  /** Runs `later` from a timer set inside a transaction, after it ended: the context it leaves behind. */
  async function leftBehind(
    later: (keys: ReturnType<typeof socketKeys>['keys'], commits: CommitBeforeWire) => Promise<void>,
  ) {
    const mem = memoryStore();
    const afterEnd: string[] = [];
    const commits = new CommitBeforeWire({ onAfterEnd: (work) => afterEnd.push(work) });
    const keys = addTransactionCapability(commits.wrap(mem.store), pino({ level: 'silent' }), {
      maxCommitRetries: 1,
      delayBetweenTriesMs: 0,
    });
    commits.attach(keys);
    let done!: Promise<void>;
    await keys.transaction(async () => {
      await keys.set(session(1));
      done = new Promise((resolve, reject) => {
        setTimeout(() => later(keys, commits).then(resolve, reject), 20);
      });
    }, 'me');
    await done;
    return { mem, commits, afterEnd: () => afterEnd };
  }

  it('gets a transaction of its own: its keys are committed, not left in the finished one', async () => {
    const { mem, afterEnd } = await leftBehind((keys) =>
      keys.transaction(async () => {
        await keys.set({ session: { '1666@s.whatsapp.net': new Uint8Array([7]) } });
      }, '1666@s.whatsapp.net'),
    );
    expect(mem.durable.get('session/1666@s.whatsapp.net')).toEqual(new Uint8Array([7]));
    expect(afterEnd()).toEqual(['transaction']);
  });

  it('reads what is durable now, not the finished transaction’s cache, and writes outside it', async () => {
    let read: unknown;
    const { mem, afterEnd } = await leftBehind(async (keys) => {
      await keys.set({ session: { '1555@s.whatsapp.net': new Uint8Array([9]) } });
      read = (await keys.get('session', ['1555@s.whatsapp.net']))['1555@s.whatsapp.net'];
    });
    expect(mem.durable.get('session/1555@s.whatsapp.net')).toEqual(new Uint8Array([9]));
    expect(read).toEqual(new Uint8Array([9]));
    // Named by what it touched: the warning says which Baileys path it was.
    expect(afterEnd()).toEqual(['session', 'session']);
  });

  it('lets a frame sent from it wait for its keys, like any frame sent inside a transaction', async () => {
    let waited: Promise<void> | undefined;
    await leftBehind((keys, commits) =>
      keys.transaction(async () => {
        await keys.set(session(2));
        waited = commits.beforeFrame();
        await waited;
      }, 'me'),
    );
    expect(waited).toBeDefined();
  });
});
