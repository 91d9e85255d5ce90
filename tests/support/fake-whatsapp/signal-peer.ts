import { randomBytes, randomInt } from 'node:crypto';
import { Curve } from '@whiskeysockets/baileys';
import { ProtocolAddress, SessionBuilder, SessionCipher, SessionRecord, type SignalStorage } from 'libsignal';
import type { KeyPair } from './cert-authority.ts';
import { sign, withKeyType } from './xeddsa.ts';

/** A pre-key bundle as it travels in `<iq xmlns=encrypt>`: keys without the 0x05 type byte. */
export interface PreKeyBundle {
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  preKey?: { keyId: number; publicKey: Buffer };
}

export type SignalMessageType = 'pkmsg' | 'msg';

export interface Ciphertext {
  type: SignalMessageType;
  ciphertext: Buffer;
}

interface StoredKeyPair {
  pubKey: Buffer;
  privKey: Buffer;
}

function toStored(pair: KeyPair): StoredKeyPair {
  return { pubKey: withKeyType(pair.public), privKey: pair.private };
}

/** WhatsApp pads every plaintext with 1–16 bytes, each equal to the pad length. */
export function padRandomMax16(data: Uint8Array): Buffer {
  const pad = (randomBytes(1)[0]! & 0x0f) + 1;
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

export function unpadRandomMax16(data: Uint8Array): Buffer {
  const pad = data[data.length - 1] ?? 0;
  if (pad === 0 || pad > data.length) throw new Error('invalid padding');
  return Buffer.from(data.subarray(0, data.length - pad));
}

/**
 * One Signal device simulated by the fake (a phone's device 0, a contact): real libsignal
 * sessions, in memory. Callers must hold `silenceLibsignalConsole()` while using it.
 */
export class SignalPeer {
  readonly identity: KeyPair = Curve.generateKeyPair() as KeyPair;
  readonly registrationId = randomInt(1, 16380);
  private readonly signedPreKey: { keyId: number; pair: KeyPair; signature: Buffer };
  private readonly preKeys = new Map<number, KeyPair>();
  private nextPreKeyId = 1;
  /**
   * Serialized, as a phone stores them: libsignal-node ratchets and deletes
   * message keys on the loaded record before it checks the MAC, so a live
   * record would keep what a failed decrypt did to it (one stale or forged
   * message would then break every later one). Real clients keep nothing of
   * a failed decrypt.
   */
  private readonly sessions = new Map<string, Uint8Array>();
  private readonly storage: SignalStorage;

  constructor() {
    const pair = Curve.generateKeyPair() as KeyPair;
    this.signedPreKey = { keyId: 1, pair, signature: sign(this.identity.private, withKeyType(pair.public)) };
    this.storage = {
      loadSession: async (id) => {
        const stored = this.sessions.get(id);
        return stored ? SessionRecord.deserialize(stored) : undefined;
      },
      storeSession: async (id, record) => {
        this.sessions.set(id, record.serialize());
      },
      isTrustedIdentity: () => true,
      loadPreKey: async (id) => {
        const pair = this.preKeys.get(Number(id));
        return pair ? toStored(pair) : undefined;
      },
      removePreKey: (id) => {
        this.preKeys.delete(Number(id));
      },
      loadSignedPreKey: () => toStored(this.signedPreKey.pair),
      getOurRegistrationId: () => this.registrationId,
      getOurIdentity: () => toStored(this.identity),
    };
  }

  /** Hands out a bundle with a fresh one-time pre-key, as the server would for this device. */
  issueBundle(): PreKeyBundle {
    const keyId = this.nextPreKeyId++;
    const pair = Curve.generateKeyPair() as KeyPair;
    this.preKeys.set(keyId, pair);
    return {
      registrationId: this.registrationId,
      identityKey: this.identity.public,
      signedPreKey: {
        keyId: this.signedPreKey.keyId,
        publicKey: this.signedPreKey.pair.public,
        signature: this.signedPreKey.signature,
      },
      preKey: { keyId, publicKey: pair.public },
    };
  }

  /** Drops every session with `name`'s devices. */
  forgetSessions(name: string): void {
    for (const id of [...this.sessions.keys()]) if (id.startsWith(`${name}.`)) this.sessions.delete(id);
  }

  hasSession(name: string, device: number): boolean {
    const stored = this.sessions.get(new ProtocolAddress(name, device).toString());
    return stored ? SessionRecord.deserialize(stored).haveOpenSession() : false;
  }

  async startSession(name: string, device: number, bundle: PreKeyBundle): Promise<void> {
    await new SessionBuilder(this.storage, new ProtocolAddress(name, device)).initOutgoing({
      registrationId: bundle.registrationId,
      identityKey: withKeyType(bundle.identityKey),
      signedPreKey: {
        keyId: bundle.signedPreKey.keyId,
        publicKey: withKeyType(bundle.signedPreKey.publicKey),
        signature: bundle.signedPreKey.signature,
      },
      preKey: bundle.preKey
        ? { keyId: bundle.preKey.keyId, publicKey: withKeyType(bundle.preKey.publicKey) }
        : (undefined as never),
    });
  }

  /** Encrypts a serialized `proto.Message` (padding added here). */
  async encrypt(name: string, device: number, message: Uint8Array): Promise<Ciphertext> {
    const cipher = new SessionCipher(this.storage, new ProtocolAddress(name, device));
    const { type, body } = await cipher.encrypt(padRandomMax16(message));
    return { type: type === 3 ? 'pkmsg' : 'msg', ciphertext: Buffer.from(body, 'binary') };
  }

  /** Decrypts and unpads; returns the serialized `proto.Message`. */
  async decrypt(
    name: string,
    device: number,
    type: SignalMessageType,
    ciphertext: Uint8Array,
  ): Promise<Buffer> {
    const cipher = new SessionCipher(this.storage, new ProtocolAddress(name, device));
    const plaintext =
      type === 'pkmsg'
        ? await cipher.decryptPreKeyWhisperMessage(ciphertext)
        : await cipher.decryptWhisperMessage(ciphertext);
    return unpadRandomMax16(plaintext);
  }
}
