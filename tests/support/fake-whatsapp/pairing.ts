import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { type BinaryNode, getBinaryNodeChild, proto } from '@whiskeysockets/baileys';
import { type FakeConnection, newStanzaId } from './connection.ts';
import type { FakeContext } from './context.ts';
import { lidJid, pnJid, SERVER_JID } from './jids.ts';
import type { LinkCodeState } from './pairing-code.ts';
import type { FakeUser } from './world.ts';
import { sign, verify } from './xeddsa.ts';

const ACCOUNT_SIG_PREFIX = Buffer.from([6, 0]);
const DEVICE_SIG_PREFIX = Buffer.from([6, 1]);

export class PairingError extends Error {}

/** A client that connected without creds and is showing QR codes. */
export interface PendingRegistration {
  connection: FakeConnection;
  noiseKey: Buffer;
  identityKey: Buffer;
  registrationId: number;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  refs: Map<string, number>;
  /** Set when the client asked to link with a phone number (`requestPairingCode`). */
  linkCode?: LinkCodeState;
}

export interface LinkedDevice {
  pn: string;
  lid: string;
  device: number;
  jid: string;
  lidJid: string;
}

export interface ParsedQr {
  ref: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  advSecret: Buffer;
  platform: string;
}

export class PairingRegistry {
  private readonly byRef = new Map<string, PendingRegistration>();
  readonly byConnection = new Map<FakeConnection, PendingRegistration>();

  add(registration: PendingRegistration): void {
    this.byConnection.set(registration.connection, registration);
    for (const ref of registration.refs.keys()) this.byRef.set(ref, registration);
  }

  all(): PendingRegistration[] {
    return [...this.byConnection.values()];
  }

  findByRef(ref: string): PendingRegistration | undefined {
    return this.byRef.get(ref);
  }

  removeConnection(connection: FakeConnection): void {
    const registration = this.byConnection.get(connection);
    if (registration) this.remove(registration);
  }

  remove(registration: PendingRegistration): void {
    this.byConnection.delete(registration.connection);
    for (const ref of registration.refs.keys()) this.byRef.delete(ref);
  }
}

export function parseQr(qr: string): ParsedQr {
  const fields = qr.slice(qr.indexOf('#') + 1).split(',');
  const [ref, noise, identity, adv, platform] = fields;
  if (fields.length !== 5 || !ref || !noise || !identity || !adv || !platform) {
    throw new PairingError('not a WhatsApp pairing QR');
  }
  return {
    ref,
    noiseKey: Buffer.from(noise, 'base64'),
    identityKey: Buffer.from(identity, 'base64'),
    advSecret: Buffer.from(adv, 'base64'),
    platform,
  };
}

function readUint(data: Uint8Array | null | undefined): number {
  return data ? Buffer.from(data).readUIntBE(0, data.length) : 0;
}

/** Registration payload received: remember the client and show it QR refs. */
export function beginRegistration(
  ctx: FakeContext,
  connection: FakeConnection,
  clientStatic: Buffer,
  data: proto.ClientPayload.IDevicePairingRegistrationData,
): void {
  const now = Date.now();
  const refs = new Map<string, number>();
  for (let i = 0; i < ctx.options.qrRefs; i++) {
    refs.set(`2@${randomBytes(24).toString('base64')}`, now + ctx.options.qrRefTtlMs);
  }
  ctx.pairing.add({
    connection,
    noiseKey: clientStatic,
    identityKey: Buffer.from(data.eIdent ?? []),
    registrationId: readUint(data.eRegid),
    signedPreKey: {
      keyId: readUint(data.eSkeyId),
      publicKey: Buffer.from(data.eSkeyVal ?? []),
      signature: Buffer.from(data.eSkeySig ?? []),
    },
    refs,
  });
  connection.send({
    tag: 'iq',
    attrs: { from: SERVER_JID, type: 'set', id: newStanzaId(), xmlns: 'md' },
    content: [
      {
        tag: 'pair-device',
        attrs: {},
        content: [...refs.keys()].map((ref) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref) })),
      },
    ],
  });
}

/**
 * Ends every QR session now: refs become unscannable and each client gets a `pair-device` with no
 * refs, which Baileys treats as refs exhausted (close 408 "QR refs attempts ended").
 */
export function expireQrRefs(ctx: FakeContext): number {
  const registrations = ctx.pairing.all();
  for (const registration of registrations) {
    for (const ref of registration.refs.keys()) registration.refs.set(ref, 0);
    registration.connection.send({
      tag: 'iq',
      attrs: { from: SERVER_JID, type: 'set', id: newStanzaId(), xmlns: 'md' },
      content: [{ tag: 'pair-device', attrs: {} }],
    });
  }
  return registrations.length;
}

/** Simulates the phone scanning `qr`: pair-success, pair-device-sign check, then 515. */
export async function scanQr(ctx: FakeContext, qr: string, phone: FakeUser): Promise<LinkedDevice> {
  const parsed = parseQr(qr);
  const registration = ctx.pairing.findByRef(parsed.ref);
  if (!registration) throw new PairingError('unknown QR ref');
  const expiresAt = registration.refs.get(parsed.ref) ?? 0;
  if (Date.now() > expiresAt) throw new PairingError('QR ref expired');
  if (
    !parsed.noiseKey.equals(registration.noiseKey) ||
    !parsed.identityKey.equals(registration.identityKey)
  ) {
    throw new PairingError('QR keys do not match the connection that showed it');
  }
  return completePairing(ctx, registration, phone, parsed.advSecret);
}

export async function completePairing(
  ctx: FakeContext,
  registration: PendingRegistration,
  phone: FakeUser,
  advSecret: Buffer,
): Promise<LinkedDevice> {
  ctx.pairing.remove(registration);
  const { connection } = registration;
  const device = phone.nextDevice++;
  const keyIndex = phone.nextKeyIndex++;
  const details = proto.ADVDeviceIdentity.encode({
    rawId: randomInt(1, 2 ** 31),
    timestamp: Math.floor(Date.now() / 1000),
    keyIndex,
  }).finish();
  const accountSignature = sign(
    phone.accountKey.private,
    Buffer.concat([ACCOUNT_SIG_PREFIX, details, registration.identityKey]),
  );
  const signedIdentity = proto.ADVSignedDeviceIdentity.encode({
    details,
    accountSignatureKey: phone.accountKey.public,
    accountSignature,
  }).finish();
  const hmac = createHmac('sha256', advSecret).update(signedIdentity).digest();
  const jid = pnJid(phone.pn, device);
  const lid = lidJid(phone.lid, device);
  const reply = await connection.query({
    tag: 'iq',
    attrs: { from: SERVER_JID, type: 'set', id: newStanzaId(), t: String(Math.floor(Date.now() / 1000)) },
    content: [
      {
        tag: 'pair-success',
        attrs: {},
        content: [
          {
            tag: 'device-identity',
            attrs: {},
            content: proto.ADVSignedDeviceIdentityHMAC.encode({ details: signedIdentity, hmac }).finish(),
          },
          { tag: 'platform', attrs: { name: 'smba' } },
          { tag: 'device', attrs: { jid, lid } },
        ],
      },
    ],
  });
  verifyDeviceSignature(reply, details, registration.identityKey, phone.accountKey.public);
  ctx.world.addCompanion(phone, device, {
    noiseKey: registration.noiseKey,
    identityKey: registration.identityKey,
    registrationId: registration.registrationId,
    signedPreKey: registration.signedPreKey,
    keyIndex,
  });
  ctx.events.emit('device-linked', jid);
  connection.sendFatal({ tag: 'stream:error', attrs: { code: '515' } });
  return { pn: phone.pn, lid: phone.lid, device, jid, lidJid: lid };
}

function verifyDeviceSignature(
  reply: BinaryNode,
  details: Uint8Array,
  identityKey: Buffer,
  accountKey: Buffer,
): void {
  const sign = getBinaryNodeChild(reply, 'pair-device-sign');
  const identityNode = getBinaryNodeChild(sign, 'device-identity');
  if (reply.attrs.type !== 'result' || !(identityNode?.content instanceof Uint8Array)) {
    throw new PairingError('client did not answer pair-success with pair-device-sign');
  }
  const signed = proto.ADVSignedDeviceIdentity.decode(identityNode.content);
  const message = Buffer.concat([DEVICE_SIG_PREFIX, details, identityKey, accountKey]);
  if (!signed.deviceSignature || !verify(identityKey, message, signed.deviceSignature)) {
    throw new PairingError('invalid device signature in pair-device-sign');
  }
}
