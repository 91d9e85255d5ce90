import { createCipheriv, createDecipheriv, hkdfSync, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { type BinaryNode, Curve, getBinaryNodeChild } from '@whiskeysockets/baileys';
import type { KeyPair } from './cert-authority.ts';
import { type FakeConnection, newStanzaId } from './connection.ts';
import type { FakeContext } from './context.ts';
import { parseUserJid, SERVER_JID } from './jids.ts';
import { completePairing, type LinkedDevice, PairingError, type PendingRegistration } from './pairing.ts';
import { waitForEvent } from './wait-for.ts';

const pbkdf2Async = promisify(pbkdf2);

/** State of one "link with phone number" attempt, kept on the registering connection. */
export interface LinkCodeState {
  pn: string;
  ref: Buffer;
  wrappedCompanionEphemeral: Buffer;
  primaryEphemeral?: KeyPair;
  companionEphemeral?: Buffer;
  settle?: { resolve: (device: LinkedDevice) => void; reject: (err: Error) => void };
}

function bytes(node: BinaryNode | undefined): Buffer {
  return node?.content instanceof Uint8Array ? Buffer.from(node.content) : Buffer.alloc(0);
}

// Same derivation as Baileys' derivePairingCodeKey: PBKDF2-SHA256, 2^17 iterations.
function codeKey(code: string, salt: Buffer): Promise<Buffer> {
  return pbkdf2Async(Buffer.from(code), salt, 2 << 16, 32, 'sha256');
}

function ctr(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

function hkdf32(ikm: Buffer, info: string, salt: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
}

function iqResult(iq: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return { tag: 'iq', attrs: { from: SERVER_JID, type: 'result', id: iq.attrs.id ?? '' }, content };
}

/** `<iq xmlns=md><link_code_companion_reg stage=…>` from a client that called `requestPairingCode`. */
export async function onLinkCodeStage(
  ctx: FakeContext,
  connection: FakeConnection,
  iq: BinaryNode,
  stage: BinaryNode,
): Promise<BinaryNode> {
  const registration = ctx.pairing.byConnection.get(connection);
  if (!registration) throw new PairingError('link code stage on a connection that is not registering');
  if (stage.attrs.stage === 'companion_hello') {
    const pn = parseUserJid(stage.attrs.jid)?.user;
    if (!pn) throw new PairingError('companion_hello without a phone number');
    const ref = randomBytes(16);
    registration.linkCode = {
      pn,
      ref,
      wrappedCompanionEphemeral: bytes(
        getBinaryNodeChild(stage, 'link_code_pairing_wrapped_companion_ephemeral_pub'),
      ),
    };
    ctx.events.emit('link-code-requested', pn);
    return iqResult(iq, [
      {
        tag: 'link_code_companion_reg',
        attrs: {},
        content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: ref }],
      },
    ]);
  }
  if (stage.attrs.stage === 'companion_finish') {
    finishLinkCode(ctx, registration, stage);
    return iqResult(iq);
  }
  return iqResult(iq);
}

const REQUEST_WAIT_MS = 5_000;

// `requestPairingCode` resolves once Baileys wrote companion_hello locally, so a code can be typed
// before the fake read that frame: wait for it briefly instead of failing.
async function waitForLinkCodeRequest(ctx: FakeContext, pn: string): Promise<PendingRegistration> {
  const find = () => ctx.pairing.all().find((r) => r.linkCode?.pn === pn && !r.linkCode.settle);
  const found = find();
  if (found) return found;
  if (ctx.pairing.all().length === 0)
    throw new PairingError(`no client is waiting for a pairing code for ${pn}`);
  try {
    await waitForEvent(ctx.events, 'link-code-requested', (requested) => requested === pn, REQUEST_WAIT_MS);
  } catch {
    throw new PairingError(`no client is waiting for a pairing code for ${pn}`);
  }
  return find() ?? Promise.reject(new PairingError(`no client is waiting for a pairing code for ${pn}`));
}

/** The user types `code` on the phone `pn`: unwrap the client's key, answer with the phone's. */
export async function enterPairingCode(ctx: FakeContext, pn: string, code: string): Promise<LinkedDevice> {
  const registration = await waitForLinkCodeRequest(ctx, pn);
  const linkCode = registration.linkCode!;
  const phone = ctx.world.userByPn(pn) ?? ctx.world.createUser({ pn });
  const wrapped = linkCode.wrappedCompanionEphemeral;
  const companionKey = await codeKey(code, wrapped.subarray(0, 32));
  linkCode.companionEphemeral = ctr(companionKey, wrapped.subarray(32, 48), wrapped.subarray(48, 80));
  linkCode.primaryEphemeral = Curve.generateKeyPair() as KeyPair;
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const primaryKey = await codeKey(code, salt);
  const wrappedPrimary = Buffer.concat([salt, iv, ctr(primaryKey, iv, linkCode.primaryEphemeral.public)]);
  const done = new Promise<LinkedDevice>((resolve, reject) => {
    linkCode.settle = { resolve, reject };
  });
  registration.connection.send({
    tag: 'notification',
    attrs: {
      from: SERVER_JID,
      type: 'link_code_companion_reg',
      id: newStanzaId(),
      t: String(Math.floor(Date.now() / 1000)),
    },
    content: [
      {
        tag: 'link_code_companion_reg',
        attrs: {},
        content: [
          { tag: 'link_code_pairing_ref', attrs: {}, content: linkCode.ref },
          { tag: 'primary_identity_pub', attrs: {}, content: phone.accountKey.public },
          { tag: 'link_code_pairing_wrapped_primary_ephemeral_pub', attrs: {}, content: wrappedPrimary },
        ],
      },
    ],
  });
  return done;
}

/** companion_finish: the phone opens the key bundle (fails on a wrong code) and derives the ADV secret. */
function finishLinkCode(ctx: FakeContext, registration: PendingRegistration, stage: BinaryNode): void {
  const linkCode = registration.linkCode;
  const settle = linkCode?.settle;
  if (!linkCode?.primaryEphemeral || !linkCode.companionEphemeral || !settle) return;
  const phone = ctx.world.userByPn(linkCode.pn);
  try {
    if (!phone) throw new PairingError('phone disappeared during pairing');
    const bundle = bytes(getBinaryNodeChild(stage, 'link_code_pairing_wrapped_key_bundle'));
    const companionShared = Curve.sharedKey(linkCode.primaryEphemeral.private, linkCode.companionEphemeral);
    const key = hkdf32(
      companionShared,
      'link_code_pairing_key_bundle_encryption_key',
      bundle.subarray(0, 32),
    );
    const decipher = createDecipheriv('aes-256-gcm', key, bundle.subarray(32, 44));
    decipher.setAuthTag(bundle.subarray(bundle.length - 16));
    const plain = Buffer.concat([decipher.update(bundle.subarray(44, bundle.length - 16)), decipher.final()]);
    const companionIdentity = plain.subarray(0, 32);
    if (
      !companionIdentity.equals(registration.identityKey) ||
      !plain.subarray(32, 64).equals(phone.accountKey.public)
    ) {
      throw new PairingError('link code key bundle does not match the pairing');
    }
    const identityShared = Curve.sharedKey(phone.accountKey.private, companionIdentity);
    const advSecret = hkdf32(
      Buffer.concat([companionShared, identityShared, plain.subarray(64, 96)]),
      'adv_secret',
    );
    // pair-success needs the client's answer to this IQ first, so it goes out after this handler returns
    setImmediate(() => {
      completePairing(ctx, registration, phone, advSecret).then(settle.resolve, settle.reject);
    });
  } catch (err) {
    settle.reject(
      err instanceof Error
        ? new PairingError(`pairing code rejected: ${err.message}`)
        : new PairingError(String(err)),
    );
  }
}
