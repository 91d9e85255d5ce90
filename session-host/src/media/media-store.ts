import type { Readable } from 'node:stream';
import { MediaError } from './media-errors.ts';
import type { MediaRuntime } from './media-runtime.ts';
import { type ExpectedMedia, MediaVerifier } from './media-verifier.ts';
import { SourceFailed, uploadInParts } from './part-upload.ts';

/**
 * Streams the encrypted file through the verifier into the media bucket. A
 * failed check errors the upload's body before its last block, so the upload
 * aborts and no object appears; an S3 failure is MEDIA_STORE_FAILED (transient).
 * The verifier is iterated directly: it keeps its own backpressure.
 */
export async function storeVerified(
  media: MediaRuntime,
  key: string,
  mimetype: string,
  encrypted: Readable,
  expected: ExpectedMedia,
): Promise<{ size: number; sha256: string }> {
  if (!media.bucket) {
    encrypted.destroy();
    throw new MediaError('MEDIA_STORE_FAILED', 'media is not configured on this host');
  }
  const verifier = new MediaVerifier(expected);
  encrypted.on('error', (err) => verifier.destroy(err));
  encrypted.pipe(verifier);
  const target = { s3: media.s3, bucket: media.bucket, key, contentType: mimetype };
  try {
    await uploadInParts(target, verifier);
  } catch (err) {
    encrypted.destroy();
    verifier.destroy();
    const source = err instanceof SourceFailed ? err.source : undefined;
    if (source instanceof MediaError) throw source;
    if (source !== undefined)
      throw new MediaError('MEDIA_DOWNLOAD_FAILED', 'the media download broke off', true, { cause: source });
    throw new MediaError('MEDIA_STORE_FAILED', 'the media could not be stored', true, { cause: err });
  }
  const sha256 = verifier.sha256;
  if (sha256 === undefined) throw new MediaError('MEDIA_INTEGRITY', 'the media was not verified');
  return { size: verifier.size, sha256 };
}
