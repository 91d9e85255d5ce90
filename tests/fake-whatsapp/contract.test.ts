import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as baileys from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { createCertAuthority } from '../support/fake-whatsapp/cert-authority.ts';
import { verify } from '../support/fake-whatsapp/xeddsa.ts';

const require = createRequire(import.meta.url);

function installedVersion(pkg: string): string {
  const entry = require.resolve(pkg);
  const root = entry.slice(0, entry.lastIndexOf(`node_modules/${pkg}/`) + `node_modules/${pkg}/`.length);
  return (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
}

// The fake speaks the protocol of exactly this Baileys release. An upgrade must fail here first,
// with a clear message, before the end-to-end suites fail in confusing ways.
describe('Baileys contract the fake WhatsApp server relies on', () => {
  it('runs against @whiskeysockets/baileys 7.0.0-rc14 and libsignal 6.0.0', () => {
    expect(installedVersion('@whiskeysockets/baileys')).toBe('7.0.0-rc14');
    expect(installedVersion('libsignal')).toBe('6.0.0');
  });

  it('uses the Noise mode string and WA intro header the server side implements', () => {
    expect(baileys.NOISE_MODE).toBe('Noise_XX_25519_AESGCM_SHA256\0\0\0\0');
    expect(Buffer.from(baileys.NOISE_MODE).length).toBe(32);
    expect([...baileys.NOISE_WA_HEADER]).toEqual([87, 65, 6, baileys.DICT_VERSION]);
    expect(baileys.DICT_VERSION).toBe(3);
    expect([...baileys.KEY_BUNDLE_TYPE]).toEqual([5]);
  });

  it('pins the WhatsApp root certificate as a mutable { SERIAL: 0, ISSUER, PUBLIC_KEY } object', () => {
    expect(baileys.WA_CERT_DETAILS.SERIAL).toBe(0);
    expect(typeof baileys.WA_CERT_DETAILS.ISSUER).toBe('string');
    expect(Buffer.isBuffer(baileys.WA_CERT_DETAILS.PUBLIC_KEY)).toBe(true);
    expect(baileys.WA_CERT_DETAILS.PUBLIC_KEY.length).toBe(32);
    expect(Object.isFrozen(baileys.WA_CERT_DETAILS)).toBe(false);
  });

  it('exports every helper and protobuf type the fake builds frames with', () => {
    const helpers = {
      makeWASocket: baileys.makeWASocket,
      makeNoiseHandler: baileys.makeNoiseHandler,
      encodeBinaryNode: baileys.encodeBinaryNode,
      decodeBinaryNode: baileys.decodeBinaryNode,
      getBinaryNodeChild: baileys.getBinaryNodeChild,
      getBinaryNodeChildren: baileys.getBinaryNodeChildren,
      jidDecode: baileys.jidDecode,
      initAuthCreds: baileys.initAuthCreds,
      sign: baileys.Curve.sign,
      sharedKey: baileys.Curve.sharedKey,
    };
    for (const [name, helper] of Object.entries(helpers)) expect(typeof helper, name).toBe('function');
    for (const message of [
      'HandshakeMessage',
      'ClientPayload',
      'CertChain',
      'ADVDeviceIdentity',
      'ADVSignedDeviceIdentity',
      'ADVSignedDeviceIdentityHMAC',
      'HistorySync',
      'Message',
    ] as const) {
      expect(typeof baileys.proto[message].encode, message).toBe('function');
    }
  });

  it('maps the close codes the fake produces to the DisconnectReason values the product handles', () => {
    expect(baileys.DisconnectReason).toMatchObject({
      loggedOut: 401,
      connectionReplaced: 440,
      connectionClosed: 428,
      connectionLost: 408,
      timedOut: 408,
      restartRequired: 515,
      unavailableService: 503,
    });
  });

  it('issues a cert chain whose signatures pass a real XEdDSA check and fail with another root', () => {
    const authority = createCertAuthority();
    const serverStatic = baileys.Curve.generateKeyPair();
    const chain = baileys.proto.CertChain.decode(authority.issueChain(Buffer.from(serverStatic.public)));
    const intermediate = baileys.proto.CertChain.NoiseCertificate.Details.decode(
      chain.intermediate!.details!,
    );
    const leaf = baileys.proto.CertChain.NoiseCertificate.Details.decode(chain.leaf!.details!);

    expect(intermediate.issuerSerial).toBe(baileys.WA_CERT_DETAILS.SERIAL);
    expect(Buffer.from(leaf.key!).equals(serverStatic.public)).toBe(true);
    expect(verify(authority.publicKey, chain.intermediate!.details!, chain.intermediate!.signature!)).toBe(
      true,
    );
    expect(verify(intermediate.key!, chain.leaf!.details!, chain.leaf!.signature!)).toBe(true);

    const otherRoot = createCertAuthority().publicKey;
    expect(verify(otherRoot, chain.intermediate!.details!, chain.intermediate!.signature!)).toBe(false);
  });

  it("documents rc14's Curve.verify accepting any signature, which the fake must not depend on", () => {
    // If this starts failing, Baileys fixed the check: the fake's properly signed chain keeps working.
    const key = baileys.Curve.generateKeyPair().public;
    expect(baileys.Curve.verify(key, Buffer.from('message'), Buffer.alloc(64))).toBe(true);
    expect(verify(key, Buffer.from('message'), Buffer.alloc(64))).toBe(false);
  });
});
