import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { MediaKind } from '#commons/domain/media.ts';
import { mediaKeys } from '../../session-host/src/media/media-keys.ts';

export interface EncryptedMedia {
  readonly mediaKey: Buffer;
  /** ciphertext ‖ first 10 bytes of the MAC, as WhatsApp's media hosts serve it. */
  readonly file: Buffer;
  readonly fileEncSha256: Buffer;
  readonly fileSha256: Buffer;
}

/** Encrypts media the way WhatsApp clients do, with node:crypto only (independent of the verifier). */
export function encryptMedia(plaintext: Buffer, kind: MediaKind, mediaKey = randomBytes(32)): EncryptedMedia {
  const { iv, cipherKey, macKey } = mediaKeys(mediaKey, kind);
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const mac = createHmac('sha256', macKey).update(iv).update(ciphertext).digest().subarray(0, 10);
  const file = Buffer.concat([ciphertext, mac]);
  return {
    mediaKey,
    file,
    fileEncSha256: createHash('sha256').update(file).digest(),
    fileSha256: createHash('sha256').update(plaintext).digest(),
  };
}
