import { Curve } from '@whiskeysockets/baileys';
import { verifySignature } from 'libsignal/src/curve.js';

const KEY_TYPE = Buffer.from([5]);

export function withKeyType(publicKey: Uint8Array): Buffer {
  return publicKey.length === 33 ? Buffer.from(publicKey) : Buffer.concat([KEY_TYPE, publicKey]);
}

export function sign(privateKey: Buffer, message: Uint8Array): Buffer {
  return Buffer.from(Curve.sign(privateKey, message));
}

/**
 * A real XEdDSA check. Baileys rc14's `Curve.verify` maps libsignal's `false` to success
 * (it only catches throws), so the fake never relies on it to judge what the client signed.
 */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifySignature(withKeyType(publicKey), message, signature) === true;
  } catch {
    return false;
  }
}
