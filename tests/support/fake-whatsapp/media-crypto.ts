import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

export const FAKE_MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type FakeMediaKind = (typeof FAKE_MEDIA_KINDS)[number];

/** WhatsApp's HKDF info per media kind (sticker shares the image keys). */
export const MEDIA_HKDF_INFO: Record<FakeMediaKind, string> = {
  image: 'WhatsApp Image Keys',
  sticker: 'WhatsApp Image Keys',
  video: 'WhatsApp Video Keys',
  audio: 'WhatsApp Audio Keys',
  document: 'WhatsApp Document Keys',
};

/** Trailing bytes of an encrypted media file: the first 10 bytes of HMAC-SHA256(macKey, iv ‖ ct). */
export const MEDIA_MAC_LENGTH = 10;

export interface MediaKeys {
  iv: Buffer;
  cipherKey: Buffer;
  macKey: Buffer;
}

export function mediaKeys(mediaKey: Uint8Array, kind: FakeMediaKind): MediaKeys {
  const expanded = Buffer.from(hkdfSync('sha256', mediaKey, Buffer.alloc(0), MEDIA_HKDF_INFO[kind], 112));
  return {
    iv: expanded.subarray(0, 16),
    cipherKey: expanded.subarray(16, 48),
    macKey: expanded.subarray(48, 80),
  };
}

/** The upload token WhatsApp expects in the upload path: base64url(fileEncSha256) without padding. */
export function uploadToken(fileEncSha256: Uint8Array): string {
  return Buffer.from(fileEncSha256).toString('base64url');
}

/** Which check a media file failed, in the order they are made. */
export type MediaCheck = 'enc-hash' | 'mac' | 'decrypt' | 'plaintext-hash' | 'length';

export interface EncryptedMedia {
  mediaKey: Buffer;
  /** SHA-256 of the plaintext. */
  fileSha256: Buffer;
  /** SHA-256 of the whole encrypted file (ciphertext ‖ MAC). */
  fileEncSha256: Buffer;
  /** Plaintext length. */
  fileLength: number;
  /** Encrypted file length. */
  encLength: number;
}

/**
 * Encrypts `source` to `outPath` as WhatsApp does, in one streaming pass (a 100 MB file is never held
 * in memory). `corruptMac` flips the last MAC byte before the file hash is taken, so only the MAC check fails.
 */
export async function encryptMediaToFile(
  source: Readable,
  kind: FakeMediaKind,
  outPath: string,
  options: { corruptMac?: boolean } = {},
): Promise<EncryptedMedia> {
  const mediaKey = randomBytes(32);
  const { iv, cipherKey, macKey } = mediaKeys(mediaKey, kind);
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
  const plainHash = createHash('sha256');
  const encHash = createHash('sha256');
  const hmac = createHmac('sha256', macKey).update(iv);
  const out = createWriteStream(outPath, { mode: 0o600 });
  let fileLength = 0;
  let encLength = 0;
  const write = async (chunk: Buffer) => {
    if (!chunk.length) return;
    hmac.update(chunk);
    encHash.update(chunk);
    encLength += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  try {
    for await (const raw of source) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
      plainHash.update(chunk);
      fileLength += chunk.length;
      await write(cipher.update(chunk));
    }
    await write(cipher.final());
    const mac = hmac.digest().subarray(0, MEDIA_MAC_LENGTH);
    if (options.corruptMac) mac[mac.length - 1]! ^= 0xff;
    encHash.update(mac);
    encLength += mac.length;
    out.end(mac);
    await finished(out);
  } catch (err) {
    out.destroy();
    throw err;
  }
  return { mediaKey, fileSha256: plainHash.digest(), fileEncSha256: encHash.digest(), fileLength, encLength };
}

export interface ExpectedMedia {
  mediaKey: Uint8Array;
  fileEncSha256?: Uint8Array | null;
  fileSha256?: Uint8Array | null;
  /** Plaintext length the message claims. */
  fileLength?: number;
}

export interface MediaVerification {
  /** Every check that failed (empty when the file is sound). */
  failed: MediaCheck[];
  /** Hex SHA-256 and length of the decrypted plaintext (even when a check failed). */
  sha256: string;
  size: number;
  message?: string;
}

/**
 * Verifies an encrypted media file in one streaming pass: file hash, MAC, AES-256-CBC decryption,
 * plaintext hash and length. Plaintext goes to `sink` as it is decrypted; the caller keeps it only
 * when nothing failed.
 */
export async function verifyMediaFile(
  path: string,
  kind: FakeMediaKind,
  expected: ExpectedMedia,
  sink: (plaintext: Buffer) => void | Promise<void>,
): Promise<MediaVerification> {
  const { size: total } = await stat(path);
  const failed: MediaCheck[] = [];
  if (total < MEDIA_MAC_LENGTH + 16) {
    return { failed: ['decrypt'], sha256: '', size: 0, message: `file of ${total} bytes is too short` };
  }
  const { iv, cipherKey, macKey } = mediaKeys(expected.mediaKey, kind);
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  const encHash = createHash('sha256');
  const plainHash = createHash('sha256');
  const hmac = createHmac('sha256', macKey).update(iv);
  const macStart = total - MEDIA_MAC_LENGTH;
  const mac = Buffer.alloc(MEDIA_MAC_LENGTH);
  let offset = 0;
  let size = 0;
  let decryptError: string | undefined;
  const emit = async (plain: Buffer) => {
    if (!plain.length) return;
    plainHash.update(plain);
    size += plain.length;
    await sink(plain);
  };
  for await (const raw of createReadStream(path)) {
    const chunk = raw as Buffer;
    encHash.update(chunk);
    const ctEnd = Math.max(0, Math.min(chunk.length, macStart - offset));
    const ct = chunk.subarray(0, ctEnd);
    if (ct.length) {
      hmac.update(ct);
      if (!decryptError) await emit(decipher.update(ct));
    }
    if (ctEnd < chunk.length) chunk.copy(mac, offset + ctEnd - macStart, ctEnd);
    offset += chunk.length;
  }
  try {
    if (!decryptError) await emit(decipher.final());
  } catch (err) {
    decryptError = err instanceof Error ? err.message : String(err);
  }
  const messages: string[] = [];
  if (expected.fileEncSha256 && !encHash.digest().equals(Buffer.from(expected.fileEncSha256))) {
    failed.push('enc-hash');
    messages.push('SHA-256 of the encrypted file differs from fileEncSha256');
  }
  if (!hmac.digest().subarray(0, MEDIA_MAC_LENGTH).equals(mac)) {
    failed.push('mac');
    messages.push('MAC (HMAC-SHA256 of iv ‖ ciphertext) differs from the trailing 10 bytes');
  }
  if (decryptError) {
    failed.push('decrypt');
    messages.push(`AES-256-CBC decryption failed: ${decryptError}`);
  }
  const sha256 = plainHash.digest();
  if (!decryptError && expected.fileSha256 && !sha256.equals(Buffer.from(expected.fileSha256))) {
    failed.push('plaintext-hash');
    messages.push('SHA-256 of the plaintext differs from fileSha256');
  }
  if (!decryptError && expected.fileLength !== undefined && expected.fileLength !== size) {
    failed.push('length');
    messages.push(`plaintext is ${size} bytes, fileLength says ${expected.fileLength}`);
  }
  return {
    failed,
    sha256: sha256.toString('hex'),
    size,
    ...(messages.length ? { message: messages.join('; ') } : {}),
  };
}

/** Flips one bit of a copy of `bytes` (a hash the message carries), so exactly that check fails. */
export function flipped(bytes: Uint8Array): Buffer {
  const copy = Buffer.from(bytes);
  copy[0]! ^= 0x01;
  return copy;
}
