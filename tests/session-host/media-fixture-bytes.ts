import { randomBytes } from 'node:crypto';
import type { MediaKind } from '#commons/domain/media.ts';

/** Bytes file-type recognises as each kind (a real header, then random bytes), with the mimetype it sniffs. */
export function mediaBytes(kind: MediaKind, size = 20_000): { bytes: Buffer; mimetype: string } {
  const tail = (header: Buffer) => Buffer.concat([header, randomBytes(Math.max(0, size - header.length))]);
  switch (kind) {
    case 'image':
      return { bytes: tail(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), mimetype: 'image/jpeg' };
    case 'video':
      return {
        bytes: tail(Buffer.from('000000186674797069736f6d0000000169736f6d', 'hex')),
        mimetype: 'video/mp4',
      };
    case 'audio':
      return {
        bytes: tail(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('OpusHead')])),
        mimetype: 'audio/ogg; codecs=opus',
      };
    case 'document':
      return { bytes: tail(Buffer.from('%PDF-1.4\n')), mimetype: 'application/pdf' };
    case 'sticker':
      return {
        bytes: tail(
          Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0x20, 0, 0]), Buffer.from('WEBPVP8 ')]),
        ),
        mimetype: 'image/webp',
      };
  }
}
