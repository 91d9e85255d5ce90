/**
 * A contact's second request for a message carries its key bundle, as
 * WhatsApp clients' do (Baileys' `sendRetryRequest` adds `<keys>` from the
 * second retry on): the sender can start a new session from it instead of
 * sending again on the one the contact could not decrypt. Checked with
 * Baileys' own parser of retry receipts.
 */
import { type BinaryNode, extractE2ESessionFromRetryReceipt } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { requestRetry } from '../support/fake-whatsapp/contact-retry-request.ts';
import type { FakeContext } from '../support/fake-whatsapp/context.ts';
import { SignalPeer } from '../support/fake-whatsapp/signal-peer.ts';
import type { Companion, FakeUser } from '../support/fake-whatsapp/world.ts';

function user(pn: string): FakeUser {
  return { pn, primary: new SignalPeer(), inbox: [] } as unknown as FakeUser;
}

function world() {
  const sent: BinaryNode[] = [];
  const ctx = { retryReceipts: { held: false }, events: { emit: () => true } } as unknown as FakeContext;
  const sender = {
    user: user('15550000001'),
    device: 1,
    connection: { isOpen: true, send: (node: BinaryNode) => sent.push(node) },
  } as unknown as Companion;
  return { ctx, sender, contact: user('15550000002'), sent };
}

describe("a contact's retry receipt", () => {
  it('carries no keys the first time', () => {
    const w = world();
    requestRetry(w.ctx, w.sender, w.contact, '3EB0000000000001', new Error('Bad MAC'));
    expect(w.sent).toHaveLength(1);
    expect(extractE2ESessionFromRetryReceipt(w.sent[0] as BinaryNode)).toBeNull();
  });

  it('carries, from the second on, a bundle the sender starts a session from that the contact decrypts', async () => {
    const w = world();
    requestRetry(w.ctx, w.sender, w.contact, '3EB0000000000002', new Error('Bad MAC'));
    requestRetry(w.ctx, w.sender, w.contact, '3EB0000000000002', new Error('Bad MAC'));
    const bundle = extractE2ESessionFromRetryReceipt(w.sent[1] as BinaryNode);
    expect(bundle?.registrationId).toBe(w.contact.primary.registrationId);
    expect(bundle?.preKey).toBeDefined();

    // The sender's side, from the parsed bundle (Baileys' keys carry the 0x05 type byte; the fake's do not).
    const strip = (key: Uint8Array) => Buffer.from(key.length === 33 ? key.subarray(1) : key);
    const device = new SignalPeer();
    await device.startSession(w.contact.pn, 0, {
      registrationId: bundle?.registrationId as number,
      identityKey: strip(bundle?.identityKey as Uint8Array),
      signedPreKey: {
        keyId: bundle?.signedPreKey.keyId as number,
        publicKey: strip(bundle?.signedPreKey.publicKey as Uint8Array),
        signature: Buffer.from(bundle?.signedPreKey.signature as Uint8Array),
      },
      preKey: {
        keyId: bundle?.preKey?.keyId as number,
        publicKey: strip(bundle?.preKey?.publicKey as Uint8Array),
      },
    });
    const sealed = await device.encrypt(w.contact.pn, 0, Buffer.from('again'));
    expect(sealed.type).toBe('pkmsg');
    const opened = await w.contact.primary.decrypt('15550000001', 1, sealed.type, sealed.ciphertext);
    expect(opened.toString()).toBe('again');
  });
});
