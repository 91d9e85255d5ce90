/**
 * Decrypting is idempotent per ciphertext: what a message decrypted to is
 * committed with its ratchet step, and the same ciphertext delivered again
 * is answered from it without touching a key. Driven through Baileys' own
 * transaction layer over a store that keeps what it was given; the Signal
 * repository underneath is ours, and spends a message's key like libsignal.
 */
import {
  addTransactionCapability,
  type SignalKeyStore,
  type SignalKeyStoreWithTransaction,
  type SignalRepositoryWithLIDStore,
} from '@whiskeysockets/baileys';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  DECRYPTED_TYPE,
  decryptOnce,
  MAX_DECRYPTED_BYTES,
  MAX_DECRYPTED_KEPT,
} from '../../session-host/src/runtime/decrypt-once.ts';
import { memoryStore } from './memory-key-store.ts';

const logger = pino({ level: 'silent' });
const te = new TextEncoder();

/** A repository whose decrypt spends the message's key in its own key transaction, as libsignal's under Baileys. */
function spendingRepository(auth: { keys: SignalKeyStoreWithTransaction }) {
  const spend = (id: string, ciphertext: Uint8Array) =>
    auth.keys.transaction(async () => {
      const { [id]: used } = await auth.keys.get('session', [id]);
      const seen = (used as unknown as string[] | undefined) ?? [];
      const mark = Buffer.from(ciphertext).toString('hex');
      if (seen.includes(mark)) throw new Error('Key used already or never filled');
      await auth.keys.set({ session: { [id]: [...seen, mark] as never } });
      return new Uint8Array([...ciphertext].reverse());
    }, id);
  return {
    decryptMessage: ({ jid, ciphertext }: { jid: string; ciphertext: Uint8Array }) => spend(jid, ciphertext),
    decryptGroupMessage: ({ group, authorJid, msg }: { group: string; authorJid: string; msg: Uint8Array }) =>
      spend(`${group}/${authorJid}`, msg),
  } as unknown as SignalRepositoryWithLIDStore;
}

function socket(store: SignalKeyStore) {
  const keys = addTransactionCapability(store, logger, { maxCommitRetries: 1, delayBetweenTriesMs: 0 });
  let replays = 0;
  const make = decryptOnce(
    () => (replays += 1),
    (auth) => spendingRepository(auth as { keys: SignalKeyStoreWithTransaction }),
  );
  const repository = make({ creds: {} as never, keys }, logger);
  return { repository, replays: () => replays };
}

const alice = '1555@s.whatsapp.net';

describe('a message delivered again after its keys were spent', () => {
  it('decrypts to what it did the first time, on a later socket too, and touches no key', async () => {
    const mem = memoryStore();
    const first = socket(mem.store);
    const ciphertext = te.encode('hello');
    const plain = await first.repository.decryptMessage({ jid: alice, type: 'msg', ciphertext });
    const after = JSON.stringify(mem.durable.get(`session/${alice}`));
    // The next socket of the session (a reconnect, or another host) reads what was committed.
    const next = socket(mem.store);
    const again = await next.repository.decryptMessage({ jid: alice, type: 'msg', ciphertext });
    expect(Buffer.from(again)).toEqual(Buffer.from(plain));
    expect(next.replays()).toBe(1);
    expect(JSON.stringify(mem.durable.get(`session/${alice}`))).toBe(after);
  });

  it('from another sender, or a group, is not confused with it', async () => {
    const mem = memoryStore();
    const s = socket(mem.store);
    const ciphertext = te.encode('same bytes');
    await s.repository.decryptMessage({ jid: alice, type: 'msg', ciphertext });
    await s.repository.decryptMessage({ jid: '1666@s.whatsapp.net', type: 'msg', ciphertext });
    await s.repository.decryptGroupMessage({ group: '1@g.us', authorJid: alice, msg: ciphertext });
    await s.repository.decryptGroupMessage({
      group: '1@g.us',
      authorJid: '1666@s.whatsapp.net',
      msg: ciphertext,
    });
    expect(s.replays()).toBe(0);
    await s.repository.decryptGroupMessage({ group: '1@g.us', authorJid: alice, msg: ciphertext });
    expect(s.replays()).toBe(1);
  });

  it('is not answered when the first decrypt never committed: it decrypts afresh', async () => {
    const mem = memoryStore();
    const s = socket(mem.store);
    const ciphertext = te.encode('during an outage');
    mem.fail(true);
    await expect(s.repository.decryptMessage({ jid: alice, type: 'msg', ciphertext })).rejects.toThrow(
      'storage unreachable',
    );
    mem.fail(false);
    const plain = await s.repository.decryptMessage({ jid: alice, type: 'msg', ciphertext });
    expect(Buffer.from(plain)).toEqual(Buffer.from([...ciphertext].reverse()));
    expect(s.replays()).toBe(0);
  });
});

describe('what is kept', () => {
  it(`is the last ${MAX_DECRYPTED_KEPT} messages, across sockets; an older one is spent as before`, async () => {
    const mem = memoryStore();
    const first = socket(mem.store);
    const messages = Array.from({ length: MAX_DECRYPTED_KEPT + 5 }, (_, i) => te.encode(`m${i}`));
    for (const ciphertext of messages.slice(0, 60))
      await first.repository.decryptMessage({ jid: alice, type: 'msg', ciphertext });
    // A new socket resumes the ring where the last one stopped, so the bound holds across restarts.
    const next = socket(mem.store);
    for (const ciphertext of messages.slice(60))
      await next.repository.decryptMessage({ jid: alice, type: 'msg', ciphertext });
    const slots = [...mem.durable.keys()].filter((k) => k.startsWith(`${DECRYPTED_TYPE}/`));
    expect(slots).toHaveLength(MAX_DECRYPTED_KEPT);
    const last = socket(mem.store);
    const newest = messages.at(-1) as Uint8Array;
    await last.repository.decryptMessage({ jid: alice, type: 'msg', ciphertext: newest });
    expect(last.replays()).toBe(1);
    await expect(
      last.repository.decryptMessage({ jid: alice, type: 'msg', ciphertext: messages[0] as Uint8Array }),
    ).rejects.toThrow('Key used already');
  });

  it('leaves out a plaintext over the size bound', async () => {
    const mem = memoryStore();
    const s = socket(mem.store);
    const ciphertext = new Uint8Array(MAX_DECRYPTED_BYTES + 1).fill(7);
    await s.repository.decryptMessage({ jid: alice, type: 'msg', ciphertext });
    expect([...mem.durable.keys()].filter((k) => k.startsWith(`${DECRYPTED_TYPE}/`))).toHaveLength(0);
  });
});
