/**
 * The fake's contacts keep nothing of a decrypt that failed, as real clients
 * do. libsignal-node steps the ratchet and deletes the message key on the
 * loaded record before it checks the MAC; with live records in memory, one
 * stale or forged message left a contact unable to decrypt the genuine one
 * ("Key used already") and everything after it, so a chaos run counted sends
 * lost that a phone would have read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silenceLibsignalConsole } from '../support/fake-whatsapp/quiet-libsignal.ts';
import { type Ciphertext, SignalPeer } from '../support/fake-whatsapp/signal-peer.ts';

let restore: () => void;
beforeAll(() => {
  restore = silenceLibsignalConsole();
});
afterAll(() => restore());

const text = (s: string) => new TextEncoder().encode(s);
const read = (b: Uint8Array) => new TextDecoder().decode(b);

/** Its MAC (the last 8 bytes) broken: decrypts to nothing, as a copy sent from a forked state would. */
function forged(c: Ciphertext): Ciphertext {
  const ciphertext = Buffer.from(c.ciphertext);
  ciphertext[ciphertext.length - 1] = (ciphertext[ciphertext.length - 1] ?? 0) ^ 0xff;
  return { type: c.type, ciphertext };
}

async function pair(): Promise<{ alice: SignalPeer; bob: SignalPeer }> {
  const alice = new SignalPeer();
  const bob = new SignalPeer();
  await alice.startSession('bob', 0, bob.issueBundle());
  const first = await alice.encrypt('bob', 0, text('hello'));
  expect(read(await bob.decrypt('alice', 0, first.type, first.ciphertext))).toBe('hello');
  const reply = await bob.encrypt('alice', 0, text('hi'));
  expect(read(await alice.decrypt('bob', 0, reply.type, reply.ciphertext))).toBe('hi');
  return { alice, bob };
}

describe('SignalPeer: a failed decrypt changes nothing', () => {
  it('still decrypts the genuine message after a forged copy of it failed', async () => {
    const { alice, bob } = await pair();
    const genuine = await alice.encrypt('bob', 0, text('second'));
    const bad = forged(genuine);
    await expect(bob.decrypt('alice', 0, bad.type, bad.ciphertext)).rejects.toThrow(/No matching sessions/);
    expect(read(await bob.decrypt('alice', 0, genuine.type, genuine.ciphertext))).toBe('second');
  });

  it('keeps both directions working after a failed decrypt on a new ratchet step', async () => {
    const { alice, bob } = await pair();
    // Alice's next message carries a new ratchet key; a forged copy of it must not move Bob's ratchet.
    const genuine = await alice.encrypt('bob', 0, text('after the reply'));
    const bad = forged(genuine);
    await expect(bob.decrypt('alice', 0, bad.type, bad.ciphertext)).rejects.toThrow();
    const answer = await bob.encrypt('alice', 0, text('answer'));
    expect(read(await alice.decrypt('bob', 0, answer.type, answer.ciphertext))).toBe('answer');
    expect(read(await bob.decrypt('alice', 0, genuine.type, genuine.ciphertext))).toBe('after the reply');
    const more = await alice.encrypt('bob', 0, text('more'));
    expect(read(await bob.decrypt('alice', 0, more.type, more.ciphertext))).toBe('more');
  });
});
