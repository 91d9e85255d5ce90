import { hkdfSync } from 'node:crypto';
import type { MediaKind } from '#commons/domain/media.ts';

/** HKDF info per kind (a sticker is keyed as an image); the wrong one fails the MAC. */
const INFO: Readonly<Record<MediaKind, string>> = {
  image: 'WhatsApp Image Keys',
  sticker: 'WhatsApp Image Keys',
  video: 'WhatsApp Video Keys',
  audio: 'WhatsApp Audio Keys',
  document: 'WhatsApp Document Keys',
};

export interface MediaKeys {
  readonly iv: Buffer;
  readonly cipherKey: Buffer;
  readonly macKey: Buffer;
}

/** WhatsApp's media keys: HKDF-SHA256(mediaKey, empty salt, info, 112) → iv, cipher key, MAC key. */
export function mediaKeys(mediaKey: Uint8Array, kind: MediaKind): MediaKeys {
  const expanded = Buffer.from(hkdfSync('sha256', mediaKey, Buffer.alloc(0), INFO[kind], 112));
  return {
    iv: expanded.subarray(0, 16),
    cipherKey: expanded.subarray(16, 48),
    macKey: expanded.subarray(48, 80),
  };
}
