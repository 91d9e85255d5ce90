import { Readable } from 'node:stream';
import { Upload } from '@aws-sdk/lib-storage';
import { MediaError } from './media-errors.ts';
import type { MediaRuntime } from './media-runtime.ts';
import { type ExpectedMedia, MediaVerifier } from './media-verifier.ts';

/** S3's smallest multipart part; with one part in flight an upload buffers about two of them. */
const PART_BYTES = 5 * 1024 * 1024;

/**
 * Streams the encrypted file through the verifier into the media bucket. A
 * failed check errors the upload's body before its last block, so the upload
 * aborts and no object appears; an S3 failure is MEDIA_STORE_FAILED (transient).
 */
export async function storeVerified(
  media: MediaRuntime,
  key: string,
  mimetype: string,
  encrypted: Readable,
  expected: ExpectedMedia,
): Promise<{ size: number; sha256: string }> {
  const verifier = new MediaVerifier(expected);
  encrypted.on('error', (err) => verifier.destroy(err));
  encrypted.pipe(verifier);
  let sourceError: unknown;
  // The body is a generator over the verifier, so a failure of the download or a check is known as ours
  // before the upload reports it.
  async function* plaintext(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of verifier) yield chunk as Buffer;
    } catch (err) {
      sourceError = err;
      throw err;
    }
  }
  const upload = new Upload({
    client: media.s3,
    params: { Bucket: media.bucket, Key: key, Body: Readable.from(plaintext()), ContentType: mimetype },
    queueSize: 1,
    partSize: PART_BYTES,
    leavePartsOnError: false,
  });
  try {
    await upload.done();
  } catch (err) {
    encrypted.destroy();
    if (sourceError instanceof MediaError) throw sourceError;
    if (sourceError !== undefined)
      throw new MediaError('MEDIA_DOWNLOAD_FAILED', 'the media download broke off', true, {
        cause: sourceError,
      });
    throw new MediaError('MEDIA_STORE_FAILED', 'the media could not be stored', true, { cause: err });
  }
  const sha256 = verifier.sha256;
  if (sha256 === undefined) throw new MediaError('MEDIA_INTEGRITY', 'the media was not verified');
  return { size: verifier.size, sha256 };
}
