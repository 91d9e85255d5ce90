/**
 * The bytes of an outgoing media message as a stream: an S3 object of the
 * session (by media id) or an http(s) URL behind the webhooks' SSRF guard.
 * Either way the stream is capped at the kind's limit and its first bytes
 * are sniffed before anything reaches WhatsApp; nothing is buffered whole.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { fileTypeFromBuffer } from 'file-type';
import {
  isMediaId,
  MEDIA_LIMIT_BYTES,
  type MediaKind,
  mediaObjectKey,
  type OutgoingMedia,
} from '#commons/domain/media.ts';
import { resolveMediaType, SNIFF_BYTES } from '#commons/domain/media-type.ts';
import {
  checkUrlShape,
  type DestinationMode,
  DestinationRefusedError,
} from '#commons/webhooks/address-policy.ts';
import {
  checkedAddress,
  type Resolve,
  type ResolvedAddress,
  systemResolve,
} from '#commons/webhooks/webhook-poster.ts';
import { MediaError, mediaError } from './media-errors.ts';

export interface MediaSourceConfig {
  readonly s3: S3Client;
  /** Undefined: media is not configured on this host (MEDIA_NOT_CONFIGURED). */
  readonly bucket: string | undefined;
  readonly destinations: DestinationMode;
  /** Connect and answer headers of a URL source. */
  readonly connectTimeoutMs: number;
  readonly resolve?: Resolve;
}

export interface OpenedMedia {
  readonly stream: Readable;
  readonly mimetype: string;
}

/** Opens, sniffs and caps the source; `signal` aborts the transfer (the stream then errors). */
export async function openMediaSource(
  config: MediaSourceConfig,
  owner: { readonly tenantId: string; readonly sessionId: string },
  media: OutgoingMedia,
  signal: AbortSignal,
): Promise<OpenedMedia> {
  if (!config.bucket && 'mediaId' in media.source)
    throw new MediaError('MEDIA_NOT_CONFIGURED', 'media is not configured on this host');
  const limit = MEDIA_LIMIT_BYTES[media.kind];
  const source =
    'mediaId' in media.source
      ? await fromObject(config, config.bucket as string, owner, media.source.mediaId, limit, signal)
      : await fromUrl(config, media.source.url, limit, signal);
  return sniffed(source, media.kind, media.mimetype, limit);
}

async function fromObject(
  config: MediaSourceConfig,
  bucket: string,
  owner: { readonly tenantId: string; readonly sessionId: string },
  mediaId: string,
  limit: number,
  signal: AbortSignal,
): Promise<Readable> {
  if (!isMediaId(mediaId)) throw new MediaError('MEDIA_NOT_FOUND', 'media not found');
  // The key is built from the session this host runs: another tenant's id names nothing here.
  const key = mediaObjectKey(owner.tenantId, owner.sessionId, mediaId);
  try {
    const object = await config.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: signal,
    });
    const body = object.Body as Readable | undefined;
    if (!body) throw new MediaError('MEDIA_NOT_FOUND', 'media not found');
    if ((object.ContentLength ?? 0) > limit) {
      body.destroy();
      throw mediaError.tooLarge(limit);
    }
    return body;
  } catch (err) {
    if (err instanceof MediaError) throw err;
    if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey')
      throw new MediaError('MEDIA_NOT_FOUND', 'media not found');
    throw new MediaError('MEDIA_SOURCE_UNAVAILABLE', 'the media store did not answer', true, { cause: err });
  }
}

async function fromUrl(
  config: MediaSourceConfig,
  raw: string,
  limit: number,
  signal: AbortSignal,
): Promise<Readable> {
  let url: URL;
  let target: ResolvedAddress;
  try {
    url = checkUrlShape(raw, config.destinations);
    target = await checkedAddress(url, config.destinations, config.resolve ?? systemResolve);
  } catch (err) {
    if (err instanceof DestinationRefusedError) throw new MediaError('MEDIA_URL_REFUSED', err.message);
    throw err;
  }
  // The connection goes to the address checked above, whatever the name resolves to by now.
  const pinned: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [target]);
    } else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Readable>((resolve, reject) => {
    const timer = setTimeout(() => req.destroy(new Error('timeout')), config.connectTimeoutMs);
    const req = client.get(
      url,
      { lookup: pinned, agent: false, signal, headers: { 'user-agent': 'zapfleet-media/1' } },
      (res) => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        const fail = (err: MediaError): void => {
          res.destroy();
          reject(err);
        };
        // A redirect could lead anywhere, including past the address check: refused, not followed.
        if (status >= 300 && status < 400)
          return fail(
            new MediaError('MEDIA_URL_FAILED', `the URL redirects (${status}); give the final URL`),
          );
        if (status < 200 || status >= 300)
          return fail(
            new MediaError('MEDIA_URL_FAILED', `the URL answered ${status}`, status >= 500 || status === 429),
          );
        if (Number(res.headers['content-length'] ?? 0) > limit) return fail(mediaError.tooLarge(limit));
        resolve(res);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new MediaError('MEDIA_URL_FAILED', `the URL could not be fetched (${err.code ?? 'error'})`, true, {
          cause: err,
        }),
      );
    });
  });
}

/** The source with its first bytes checked by file-type, re-joined, and capped at `limit` (MEDIA_TOO_LARGE). */
async function sniffed(
  source: Readable,
  kind: MediaKind,
  declared: string | undefined,
  limit: number,
): Promise<OpenedMedia> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  try {
    while (headBytes < SNIFF_BYTES) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.length;
    }
  } catch (err) {
    source.destroy();
    throw err instanceof MediaError
      ? err
      : new MediaError('MEDIA_URL_FAILED', 'the media stream failed', true, { cause: err });
  }
  const first = Buffer.concat(head);
  const type = await fileTypeFromBuffer(first.subarray(0, SNIFF_BYTES));
  const verdict = resolveMediaType(kind, type?.mime, declared);
  if (!verdict.ok || first.length > limit) {
    source.destroy();
    if (!verdict.ok) throw new MediaError('MEDIA_TYPE_MISMATCH', verdict.reason);
    throw mediaError.tooLarge(limit);
  }
  async function* joined(): AsyncGenerator<Buffer> {
    try {
      yield first;
      if (ended) return;
      let total = first.length;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        total += next.value.length;
        if (total > limit) throw mediaError.tooLarge(limit);
        yield next.value;
      }
    } finally {
      source.destroy();
    }
  }
  return { stream: Readable.from(joined(), { objectMode: false }), mimetype: verdict.mimetype };
}
