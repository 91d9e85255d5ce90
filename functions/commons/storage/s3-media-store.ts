import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type {
  MediaObjectInfo,
  MediaStore,
  MediaUploadRequest,
  PresignedUpload,
} from '../domain/media-store.ts';
import { wipeS3Prefix } from './s3-prefix-wipe.ts';

export interface S3MediaStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

/** The API's side of the media bucket: presigned links, the send-time checks' reads, the session wipe. */
export class S3MediaStore implements MediaStore {
  readonly #s3: S3Client;
  readonly #bucket: string;

  constructor(options: S3MediaStoreOptions) {
    this.#s3 = options.client;
    this.#bucket = options.bucket;
  }

  async presignUpload(
    key: string,
    upload: MediaUploadRequest,
    expiresInSeconds: number,
  ): Promise<PresignedUpload> {
    const command = new PutObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ContentType: upload.contentType,
      ContentLength: upload.contentLength,
    });
    // Signed, so S3 refuses a PUT whose body has another length or type than the one announced.
    const url = await getSignedUrl(this.#s3, command, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    return {
      url,
      method: 'PUT',
      headers: { 'content-type': upload.contentType, 'content-length': String(upload.contentLength) },
    };
  }

  async presignDownload(
    key: string,
    expiresInSeconds: number,
    options: { attachment?: boolean } = {},
  ): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ...(options.attachment && {
        ResponseContentDisposition: 'attachment',
        ResponseContentType: 'application/octet-stream',
      }),
    });
    return getSignedUrl(this.#s3, command, { expiresIn: expiresInSeconds });
  }

  async head(key: string): Promise<MediaObjectInfo | undefined> {
    try {
      const head = await this.#s3.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return { size: head.ContentLength ?? 0, contentType: head.ContentType };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async readStart(key: string, length: number): Promise<Uint8Array | undefined> {
    try {
      const got = await this.#s3.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: key, Range: `bytes=0-${length - 1}` }),
      );
      return await readUpTo(got.Body as AsyncIterable<Uint8Array> | undefined, length);
    } catch (err) {
      if (isMissing(err)) return undefined;
      // A range starting past the end: the object is empty.
      if (statusOf(err) === 416) return new Uint8Array();
      throw err;
    }
  }

  async wipePrefix(prefix: string): Promise<void> {
    // The media bucket is not versioned: deleting the current objects deletes the bytes.
    await wipeS3Prefix({ s3: this.#s3, bucket: this.#bucket, prefix, versions: 'current' });
  }
}

/** At most `length` bytes of a body; an S3 that ignored the Range is cut off rather than read to its end. */
async function readUpTo(body: AsyncIterable<Uint8Array> | undefined, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  if (!body) return out.subarray(0, 0);
  // Leaving the loop early (break) destroys the stream, which closes the connection.
  for await (const chunk of body) {
    const take = Math.min(chunk.length, length - filled);
    out.set(chunk.subarray(0, take), filled);
    filled += take;
    if (filled >= length) break;
  }
  return out.subarray(0, filled);
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function isMissing(err: unknown): boolean {
  if (err instanceof S3ServiceException && (err.name === 'NotFound' || err.name === 'NoSuchKey')) return true;
  return statusOf(err) === 404;
}
