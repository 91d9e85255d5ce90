import { createDecipheriv, createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { MediaKind } from '#commons/domain/media.ts';
import { mediaError } from './media-errors.ts';
import { mediaKeys } from './media-keys.ts';

const MAC_BYTES = 10;
const AES_BLOCK = 16;

export interface ExpectedMedia {
  readonly kind: MediaKind;
  readonly mediaKey: Uint8Array;
  /** SHA-256 of the whole encrypted file (ciphertext ‖ MAC), as the message announced it. */
  readonly fileEncSha256: Uint8Array;
  /** SHA-256 of the plaintext, as the message announced it. */
  readonly fileSha256: Uint8Array;
  /** Plaintext bytes allowed; the download stops as soon as the encrypted stream is past it. */
  readonly maxBytes: number;
}

/**
 * Encrypted WhatsApp media in, plaintext out, in one pass: SHA-256 of every
 * encrypted byte, HMAC-SHA256(macKey, iv ‖ ciphertext) against the trailing
 * 10 bytes, AES-256-CBC, SHA-256 of the plaintext, and a size cap. Everything
 * but the last plaintext block flows on at once; the last block leaves only
 * after every check passed, so a consumer that stores the output never
 * completes an object from media that fails (it sees an error instead).
 */
export class MediaVerifier extends Transform {
  private readonly encHash: Hash = createHash('sha256');
  private readonly plainHash: Hash = createHash('sha256');
  private readonly hmac: Hmac;
  private readonly decipher;
  /** The last bytes seen: they may be the MAC, so they are not decrypted yet. */
  private tail: Buffer = Buffer.alloc(0);
  /** The last plaintext block so far: withheld until every check passed. */
  private lastBlock: Buffer = Buffer.alloc(0);
  private encBytes = 0;
  private plainBytes = 0;
  private digest: string | undefined;

  constructor(private readonly expected: ExpectedMedia) {
    super();
    const keys = mediaKeys(expected.mediaKey, expected.kind);
    this.hmac = createHmac('sha256', keys.macKey).update(keys.iv);
    this.decipher = createDecipheriv('aes-256-cbc', keys.cipherKey, keys.iv);
  }

  /** Plaintext bytes, once verified. */
  get size(): number {
    return this.plainBytes;
  }

  /** Hex SHA-256 of the plaintext, once verified. */
  get sha256(): string | undefined {
    return this.digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.encHash.update(chunk);
    this.encBytes += chunk.length;
    // CBC pads to at most one more block, then the MAC.
    if (this.encBytes > this.expected.maxBytes + AES_BLOCK + MAC_BYTES) {
      callback(mediaError.tooLarge(this.expected.maxBytes));
      return;
    }
    // No concatenation: 50 MB through here must not become 150 MB of copies waiting for the GC.
    if (chunk.length >= MAC_BYTES) {
      this.decrypt(this.tail);
      this.decrypt(chunk.subarray(0, chunk.length - MAC_BYTES));
      this.tail = Buffer.from(chunk.subarray(chunk.length - MAC_BYTES));
    } else {
      const data = Buffer.concat([this.tail, chunk]);
      this.decrypt(data.subarray(0, Math.max(0, data.length - MAC_BYTES)));
      this.tail = Buffer.from(data.subarray(Math.max(0, data.length - MAC_BYTES)));
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.encBytes < AES_BLOCK + MAC_BYTES) throw mediaError.integrity('truncated');
      const mac = this.hmac.digest().subarray(0, MAC_BYTES);
      if (!timingSafeEqual(mac, this.tail)) throw mediaError.integrity('mac');
      if (!sameDigest(this.encHash.digest(), this.expected.fileEncSha256))
        throw mediaError.integrity('enc-hash');
      let last: Buffer;
      try {
        last = this.decipher.final();
      } catch {
        throw mediaError.integrity('padding');
      }
      this.plainHash.update(last);
      this.plainBytes += last.length;
      const withheld = Buffer.concat([this.lastBlock, last]);
      if (this.plainBytes > this.expected.maxBytes) throw mediaError.tooLarge(this.expected.maxBytes);
      const plain = this.plainHash.digest();
      if (!sameDigest(plain, this.expected.fileSha256)) throw mediaError.integrity('plaintext-hash');
      this.digest = plain.toString('hex');
      callback(null, withheld);
    } catch (err) {
      callback(err as Error);
    }
  }

  private decrypt(body: Buffer): void {
    if (body.length === 0) return;
    this.hmac.update(body);
    this.emitPlain(this.decipher.update(body));
  }

  /** Decipher output may end with the last plaintext block (when the padding is a whole block): keep one back. */
  private emitPlain(out: Buffer): void {
    if (out.length === 0) return;
    this.plainHash.update(out);
    this.plainBytes += out.length;
    if (out.length < AES_BLOCK) {
      const all = Buffer.concat([this.lastBlock, out]);
      const keep = all.length - AES_BLOCK;
      if (keep > 0) this.push(all.subarray(0, keep));
      this.lastBlock = Buffer.from(all.subarray(Math.max(0, keep)));
      return;
    }
    if (this.lastBlock.length > 0) this.push(this.lastBlock);
    this.push(out.subarray(0, out.length - AES_BLOCK));
    this.lastBlock = Buffer.from(out.subarray(out.length - AES_BLOCK));
  }
}

function sameDigest(actual: Buffer, expected: Uint8Array): boolean {
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
