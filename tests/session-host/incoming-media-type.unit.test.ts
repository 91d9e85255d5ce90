import { describe, expect, it } from 'vitest';
import type { MediaKind } from '#commons/domain/media.ts';
import { describedMedia, findMedia } from '../../session-host/src/media/incoming-media.ts';

const KEYS = {
  imageMessage: 'image',
  videoMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
} as const;

function described(field: keyof typeof KEYS, mimetype: string | undefined) {
  const found = findMedia({ [field]: { mimetype, fileLength: 10 } });
  if (!found) throw new Error('no media found');
  return describedMedia(found);
}

/**
 * The mimetype of an incoming media message is whatever the sender's client wrote. It becomes the
 * stored object's Content-Type (an HTTP header) and the event's `mimetype`, so only a well-formed
 * type of the message's kind is kept.
 */
describe('the mimetype an incoming media message is described with', () => {
  it.each([
    ['imageMessage', 'image/png', 'image/png'],
    ['audioMessage', 'audio/ogg; codecs=opus', 'audio/ogg; codecs=opus'],
    ['documentMessage', 'application/pdf', 'application/pdf'],
    ['stickerMessage', 'image/webp', 'image/webp'],
  ] as const)('keeps a well-formed %s type (%s)', (field, mimetype, expected) => {
    expect(described(field, mimetype).mimetype).toBe(expected);
  });

  it.each([
    ['imageMessage', 'image/jpeg\r\nx-amz-meta-injected: 1', 'image/jpeg'],
    ['documentMessage', `application/${'x'.repeat(300)}`, 'application/octet-stream'],
    ['videoMessage', 'not a type', 'video/mp4'],
    ['imageMessage', 'application/pdf', 'image/jpeg'],
    ['stickerMessage', 'image/png', 'image/webp'],
    ['audioMessage', '', 'audio/ogg; codecs=opus'],
  ] as const)('replaces a %s type it cannot trust (%j) by the kind default', (field, mimetype, expected) => {
    const info = described(field, mimetype);
    expect(info.kind).toBe(KEYS[field] satisfies MediaKind);
    expect(info.mimetype).toBe(expected);
  });
});
