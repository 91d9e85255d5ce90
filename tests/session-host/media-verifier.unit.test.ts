/**
 * The streaming verifier of incoming media: byte-exact plaintext however the
 * encrypted stream is cut, and every check (MAC, enc hash, plaintext hash,
 * size) fails the stream before its last plaintext block leaves.
 */
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import type { MediaKind } from '#commons/domain/media.ts';
import { MediaError } from '../../session-host/src/media/media-errors.ts';
import { mediaKeys } from '../../session-host/src/media/media-keys.ts';
import { type ExpectedMedia, MediaVerifier } from '../../session-host/src/media/media-verifier.ts';
import { type EncryptedMedia, encryptMedia } from './media-fixtures.ts';

function chunks(file: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < file.length; i += size) out.push(file.subarray(i, i + size));
  return out;
}

async function run(
  file: Buffer,
  expected: ExpectedMedia,
  chunkSize = 64 * 1024,
): Promise<{ out: Buffer; error?: unknown; verifier: MediaVerifier; read: number }> {
  const verifier = new MediaVerifier(expected);
  const got: Buffer[] = [];
  let read = 0;
  const source = Readable.from(
    (function* () {
      for (const c of chunks(file, chunkSize)) {
        read += c.length;
        yield c;
      }
    })(),
  );
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      got.push(chunk);
      cb();
    },
  });
  try {
    await pipeline(source, verifier, sink);
    return { out: Buffer.concat(got), verifier, read };
  } catch (error) {
    return { out: Buffer.concat(got), error, verifier, read };
  }
}

const expectedOf = (m: EncryptedMedia, kind: MediaKind, maxBytes = 1 << 24): ExpectedMedia => ({
  kind,
  mediaKey: m.mediaKey,
  fileEncSha256: m.fileEncSha256,
  fileSha256: m.fileSha256,
  maxBytes,
});

describe('media verifier', () => {
  it('derives the keys WhatsApp derives (HKDF-SHA256, empty salt, 112 bytes)', () => {
    const key = randomBytes(32);
    const full = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'WhatsApp Document Keys', 112));
    const keys = mediaKeys(key, 'document');
    expect(keys.iv.equals(full.subarray(0, 16))).toBe(true);
    expect(keys.cipherKey.equals(full.subarray(16, 48))).toBe(true);
    expect(keys.macKey.equals(full.subarray(48, 80))).toBe(true);
    expect(mediaKeys(key, 'sticker').macKey.equals(mediaKeys(key, 'image').macKey)).toBe(true);
    expect(mediaKeys(key, 'video').macKey.equals(mediaKeys(key, 'audio').macKey)).toBe(false);
  });

  it.each([1, 7, 10, 16, 4096, 1 << 20])('decrypts byte-exact with %i-byte chunks', async (size) => {
    const plain = randomBytes(100_003);
    const media = encryptMedia(plain, 'document');
    const result = await run(media.file, expectedOf(media, 'document'), size);
    expect(result.error).toBeUndefined();
    expect(result.out.equals(plain)).toBe(true);
    expect(result.verifier.size).toBe(plain.length);
    expect(result.verifier.sha256).toBe(createHash('sha256').update(plain).digest('hex'));
  });

  it('decrypts an empty file and one of exactly one block', async () => {
    for (const plain of [Buffer.alloc(0), randomBytes(16)]) {
      const media = encryptMedia(plain, 'image');
      const result = await run(media.file, expectedOf(media, 'image'), 5);
      expect(result.error).toBeUndefined();
      expect(result.out.equals(plain)).toBe(true);
    }
  });

  const corruptions: [string, (m: EncryptedMedia) => [Buffer, ExpectedMedia]][] = [
    [
      'mac',
      (m) => {
        const file = Buffer.from(m.file);
        file[file.length - 1] = (file[file.length - 1] ?? 0) ^ 1;
        // The announced enc hash matches the corrupted file: only the MAC can tell.
        return [
          file,
          { ...expectedOf(m, 'video'), fileEncSha256: createHash('sha256').update(file).digest() },
        ];
      },
    ],
    ['enc-hash', (m) => [m.file, { ...expectedOf(m, 'video'), fileEncSha256: randomBytes(32) }]],
    ['plaintext-hash', (m) => [m.file, { ...expectedOf(m, 'video'), fileSha256: randomBytes(32) }]],
    ['wrong kind (keys)', (m) => [m.file, expectedOf(m, 'audio')]],
    ['truncated', (m) => [m.file.subarray(0, 20), expectedOf(m, 'video')]],
  ];

  it.each(corruptions)(
    'refuses %s with MEDIA_INTEGRITY before the last block leaves',
    async (_name, corrupt) => {
      const plain = randomBytes(50_000);
      const media = encryptMedia(plain, 'video');
      const [file, expected] = corrupt(media);
      const result = await run(file, expected, 4096);
      expect(result.error).toBeInstanceOf(MediaError);
      expect((result.error as MediaError).code).toBe('MEDIA_INTEGRITY');
      expect(result.out.length).toBeLessThan(plain.length);
      expect(result.verifier.sha256).toBeUndefined();
    },
  );

  it('stops reading a stream past the size cap with MEDIA_TOO_LARGE', async () => {
    const plain = randomBytes(1 << 20);
    const media = encryptMedia(plain, 'sticker');
    const result = await run(media.file, expectedOf(media, 'sticker', 100_000), 16 * 1024);
    expect((result.error as MediaError).code).toBe('MEDIA_TOO_LARGE');
    expect(result.read).toBeLessThan(200_000);
  });

  it('refuses a file whose plaintext is just over the cap', async () => {
    const plain = randomBytes(1_001);
    const media = encryptMedia(plain, 'image');
    const result = await run(media.file, expectedOf(media, 'image', 1_000));
    expect((result.error as MediaError).code).toBe('MEDIA_TOO_LARGE');
  });
});
