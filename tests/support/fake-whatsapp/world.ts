import { randomInt } from 'node:crypto';
import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import type { KeyPair } from './cert-authority.ts';
import type { FakeConnection } from './connection.ts';
import type { ReceivedMedia } from './contact-media.ts';
import { type JidAddress, parseUserJid, pnJid } from './jids.ts';
import { type PreKeyBundle, SignalPeer } from './signal-peer.ts';

/** A plaintext the fake still has to encrypt and deliver to one companion. */
export interface PendingDelivery {
  sender: FakeUser;
  message: proto.IMessage;
  id: string;
  timestamp: number;
  addressing: 'pn' | 'lid';
  category?: 'peer';
}

/** A message on the wire to a device and not receipted yet. */
export interface UnreceiptedMessage {
  node: BinaryNode;
  connection: FakeConnection;
  /** What was encrypted, so a retry receipt can have it encrypted again (absent for group copies). */
  delivery?: PendingDelivery;
  /** Retry receipts answered for it so far. */
  retries?: number;
}

/** A Baileys socket linked to a fake phone (device ≥ 1 of an account). */
export interface Companion {
  readonly user: FakeUser;
  readonly device: number;
  readonly keyIndex: number;
  readonly noiseKey: Buffer;
  readonly identityKey: Buffer;
  readonly registrationId: number;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  /** One-time pre-keys the client uploaded and nobody fetched yet. */
  readonly preKeys: Map<number, Buffer>;
  removed: boolean;
  logins: number;
  connection: FakeConnection | undefined;
  readonly offlineQueue: PendingDelivery[];
  /**
   * Messages sent to this device that it has not receipted yet, as encrypted. Like WhatsApp, the
   * server sends them again on the device's next login (a client that closed before processing a
   * frame must not lose it); a device that had processed one sees a duplicate it cannot decrypt.
   */
  readonly unreceipted: Map<string, UnreceiptedMessage>;
  /** Serializes deliveries so a pkmsg always reaches the client before the msgs that follow it. */
  deliveryChain: Promise<void>;
}

/** What a simulated device (a contact or a phone's device 0) decrypted from a Baileys client. */
export interface ReceivedMessage {
  id: string;
  /** The sending companion, e.g. `15550001111:1@s.whatsapp.net`. */
  from: string;
  /** The stanza's `to` (the chat the client addressed). */
  to: string;
  text: string | undefined;
  message: proto.IMessage;
  /** True for the copy a client sends its own phone (`deviceSentMessage`). */
  deviceSent: boolean;
  /** The Signal envelope the copy came in. */
  encType: 'pkmsg' | 'msg';
  /** An image/video/audio/document/sticker: fetched from the fake's media host, checked and decrypted. */
  media?: ReceivedMedia;
}

/** A WhatsApp account: a phone number, a LID and device 0 simulated with real libsignal. */
export interface FakeUser {
  readonly pn: string;
  readonly lid: string;
  readonly name: string;
  readonly primary: SignalPeer;
  /** The account ("ADV") key that signs companion device identities; the phone's identity key. */
  readonly accountKey: KeyPair;
  readonly companions: Map<number, Companion>;
  nextDevice: number;
  nextKeyIndex: number;
  readonly inbox: ReceivedMessage[];
}

export interface CompanionRegistration {
  noiseKey: Buffer;
  identityKey: Buffer;
  registrationId: number;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  keyIndex: number;
}

function randomDigits(prefix: string, length: number): string {
  let out = prefix;
  while (out.length < length) out += String(randomInt(0, 10));
  return out;
}

export class World {
  private readonly byPn = new Map<string, FakeUser>();
  private readonly byLid = new Map<string, FakeUser>();

  createUser(options: { pn?: string; lid?: string; name?: string } = {}): FakeUser {
    const pn = options.pn ?? this.unused(() => randomDigits('1555', 11), this.byPn);
    if (this.byPn.has(pn)) throw new Error(`phone number ${pn} already exists`);
    const lid = options.lid ?? this.unused(() => randomDigits('2', 15), this.byLid);
    const primary = new SignalPeer();
    const user: FakeUser = {
      pn,
      lid,
      name: options.name ?? `User ${pn.slice(-4)}`,
      primary,
      accountKey: primary.identity,
      companions: new Map(),
      nextDevice: 1,
      nextKeyIndex: 1,
      inbox: [],
    };
    this.byPn.set(pn, user);
    this.byLid.set(lid, user);
    return user;
  }

  userByPn(pn: string): FakeUser | undefined {
    return this.byPn.get(pn);
  }

  /** Accepts a phone number, a PN JID or a LID JID. */
  findUser(ref: string): FakeUser | undefined {
    if (/^\d+$/.test(ref)) return this.byPn.get(ref);
    const address = parseUserJid(ref);
    return address ? this.userAt(address) : undefined;
  }

  userAt(address: JidAddress): FakeUser | undefined {
    return address.server === 'pn' ? this.byPn.get(address.user) : this.byLid.get(address.user);
  }

  findCompanion(jid: string): Companion | undefined {
    const address = parseUserJid(jid);
    return address ? this.userAt(address)?.companions.get(address.device) : undefined;
  }

  users(): FakeUser[] {
    return [...this.byPn.values()];
  }

  companions(): Companion[] {
    return this.users().flatMap((user) => [...user.companions.values()]);
  }

  addCompanion(user: FakeUser, device: number, registration: CompanionRegistration): Companion {
    const companion: Companion = {
      user,
      device,
      keyIndex: registration.keyIndex,
      noiseKey: registration.noiseKey,
      identityKey: registration.identityKey,
      registrationId: registration.registrationId,
      signedPreKey: registration.signedPreKey,
      preKeys: new Map(),
      removed: false,
      logins: 0,
      connection: undefined,
      offlineQueue: [],
      unreceipted: new Map(),
      deliveryChain: Promise.resolve(),
    };
    user.companions.set(device, companion);
    return companion;
  }

  private unused(generate: () => string, taken: Map<string, FakeUser>): string {
    for (;;) {
      const candidate = generate();
      if (!taken.has(candidate)) return candidate;
    }
  }
}

export function companionJid(companion: Companion): string {
  return pnJid(companion.user.pn, companion.device);
}

/** The bundle the server hands out for a companion, consuming one uploaded one-time pre-key. */
export function takeCompanionBundle(companion: Companion): PreKeyBundle {
  const first = companion.preKeys.entries().next();
  let preKey: PreKeyBundle['preKey'];
  if (!first.done) {
    const [keyId, publicKey] = first.value;
    companion.preKeys.delete(keyId);
    preKey = { keyId, publicKey };
  }
  return {
    registrationId: companion.registrationId,
    identityKey: companion.identityKey,
    signedPreKey: companion.signedPreKey,
    ...(preKey ? { preKey } : {}),
  };
}
