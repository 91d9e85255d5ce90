/**
 * Incoming media: found in a message (through its wrappers), fetched from
 * WhatsApp's media host, verified while streaming (media-verifier.ts) and
 * written to the media bucket; the result is what the message's event says.
 * Never throws: a failure is an IncomingMediaInfo with `error`, so the
 * message still gets its event.
 */
import type { proto } from '@whiskeysockets/baileys';
import {
  type IncomingMediaInfo,
  incomingMediaId,
  MEDIA_LIMIT_BYTES,
  type MediaErrorCode,
  type MediaKind,
  mediaObjectKey,
} from '#commons/domain/media.ts';
import { kindAccepts, MIMETYPE_PATTERN } from '#commons/domain/media-type.ts';
import { fetchEncryptedMedia } from './media-download.ts';
import { MediaError } from './media-errors.ts';
import type { MediaRuntime } from './media-runtime.ts';
import { storeVerified } from './media-store.ts';

type MediaNode =
  | proto.Message.IImageMessage
  | proto.Message.IVideoMessage
  | proto.Message.IAudioMessage
  | proto.Message.IDocumentMessage
  | proto.Message.IStickerMessage;

export interface FoundMedia {
  readonly kind: MediaKind;
  readonly node: MediaNode;
}

/** The message inside WhatsApp's wrappers (disappearing, view once, document with caption). */
export function unwrapMessage(message: proto.IMessage | null | undefined): proto.IMessage | undefined {
  let current = message ?? undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    const inner =
      current.ephemeralMessage?.message ??
      current.viewOnceMessage?.message ??
      current.viewOnceMessageV2?.message ??
      current.viewOnceMessageV2Extension?.message ??
      current.documentWithCaptionMessage?.message;
    if (!inner) return current;
    current = inner;
  }
  return current;
}

export function findMedia(message: proto.IMessage | null | undefined): FoundMedia | undefined {
  const m = unwrapMessage(message);
  if (!m) return undefined;
  if (m.imageMessage) return { kind: 'image', node: m.imageMessage };
  if (m.videoMessage) return { kind: 'video', node: m.videoMessage };
  if (m.audioMessage) return { kind: 'audio', node: m.audioMessage };
  if (m.documentMessage) return { kind: 'document', node: m.documentMessage };
  if (m.stickerMessage) return { kind: 'sticker', node: m.stickerMessage };
  return undefined;
}

const DEFAULT_MIMETYPE: Readonly<Record<MediaKind, string>> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/octet-stream',
  sticker: 'image/webp',
};

/**
 * The sender's client writes the mimetype: it becomes the stored object's
 * Content-Type header and the event's field, so only a well-formed type of
 * the kind is kept (a CR/LF in it would fail every store attempt).
 */
function trustedMimetype(kind: MediaKind, declared: string | null | undefined): string {
  if (declared && MIMETYPE_PATTERN.test(declared) && kindAccepts(kind, declared)) return declared;
  return DEFAULT_MIMETYPE[kind];
}

/** What the event says about the media before (or without) its bytes. */
export function describedMedia(found: FoundMedia): IncomingMediaInfo {
  const node = found.node as proto.Message.IDocumentMessage & proto.Message.IVideoMessage;
  return {
    kind: found.kind,
    mimetype: trustedMimetype(found.kind, node.mimetype),
    ...(node.caption && { caption: node.caption }),
    ...(found.kind === 'document' && node.fileName && { fileName: node.fileName }),
    ...(node.seconds && { durationSeconds: node.seconds }),
  };
}

const ATTEMPTS = 3;
const RETRY_BASE_MS = 250;

const failed = (info: IncomingMediaInfo, code: MediaErrorCode, message: string): IncomingMediaInfo => ({
  ...info,
  error: { code, message },
});

/** Downloads, verifies and stores one message's media (retrying what is transient), within the transfer timeout. */
export async function storeIncomingMedia(
  media: MediaRuntime | undefined,
  owner: { readonly tenantId: string; readonly sessionId: string },
  waMessageId: string,
  found: FoundMedia,
): Promise<IncomingMediaInfo> {
  const info = describedMedia(found);
  if (!media?.bucket)
    return failed(info, 'MEDIA_STORE_FAILED', 'media storage is not configured on this host');
  const { node, kind } = found;
  const limit = MEDIA_LIMIT_BYTES[kind];
  const declared = Number(node.fileLength ?? 0);
  if (declared > limit) return failed(info, 'MEDIA_TOO_LARGE', `the media is larger than ${limit} bytes`);
  if (!node.mediaKey?.length || !node.fileEncSha256?.length || !node.fileSha256?.length)
    return failed(info, 'MEDIA_INTEGRITY', 'the message carries no media key or hashes');
  if (!node.directPath && !node.url)
    return failed(info, 'MEDIA_DOWNLOAD_FAILED', 'the message names no media location');
  const mediaId = incomingMediaId(owner.sessionId, waMessageId);
  const key = mediaObjectKey(owner.tenantId, owner.sessionId, mediaId);
  const signal = AbortSignal.timeout(media.transferTimeoutMs);
  const log = { sessionId: owner.sessionId, kind, declaredBytes: declared };
  try {
    const stored = await media.transfers.run(media.transferTimeoutMs, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const encrypted = await fetchEncryptedMedia(
            media,
            { url: node.url, directPath: node.directPath },
            signal,
          );
          return await storeVerified(media, key, info.mimetype, encrypted, {
            kind,
            mediaKey: node.mediaKey as Uint8Array,
            fileEncSha256: node.fileEncSha256 as Uint8Array,
            fileSha256: node.fileSha256 as Uint8Array,
            maxBytes: limit,
          });
        } catch (err) {
          const transient = err instanceof MediaError && err.transient;
          if (!transient || attempt >= ATTEMPTS || signal.aborted) throw err;
          media.logger.warn({ ...log, attempt, code: err.code }, 'media transfer retried');
          await new Promise((resolve) => setTimeout(resolve, RETRY_BASE_MS * 2 ** (attempt - 1)));
        }
      }
    });
    media.metrics.mediaStored.inc();
    media.logger.info({ ...log, bytes: stored.size }, 'media stored');
    return { ...info, id: mediaId, size: stored.size, sha256: stored.sha256 };
  } catch (err) {
    const { code, message } = incomingFailure(err, signal);
    media.metrics.mediaFailed.inc();
    // The code and sizes only: the URL carries WhatsApp's auth token, the message the media key.
    media.logger.warn({ ...log, code }, 'media not stored');
    return failed(info, code, message);
  }
}

function incomingFailure(err: unknown, signal: AbortSignal): { code: MediaErrorCode; message: string } {
  if (err instanceof MediaError) {
    switch (err.code) {
      case 'MEDIA_EXPIRED':
      case 'MEDIA_INTEGRITY':
      case 'MEDIA_TOO_LARGE':
      case 'MEDIA_DOWNLOAD_FAILED':
      case 'MEDIA_STORE_FAILED':
        return { code: err.code, message: err.message };
      case 'MEDIA_TRANSFERS_BUSY':
        return { code: 'MEDIA_DOWNLOAD_FAILED', message: 'the host had no free media transfer slot in time' };
      default:
        return { code: 'MEDIA_DOWNLOAD_FAILED', message: err.message };
    }
  }
  if (signal.aborted) return { code: 'MEDIA_DOWNLOAD_FAILED', message: 'the media transfer timed out' };
  return { code: 'MEDIA_DOWNLOAD_FAILED', message: 'the media could not be downloaded' };
}

/** A media message's receipt waits for its transfer (bounded by the transfer timeout) plus this. */
const MEDIA_HOLD_MARGIN_MS = 5_000;

/** What a session's message intake needs for media: the store step and how long a receipt may wait for it. */
export function mediaIntake(
  media: MediaRuntime | undefined,
  owner: { readonly tenantId: string; readonly sessionId: string },
): {
  storeMedia: (waMessageId: string, found: FoundMedia) => Promise<IncomingMediaInfo>;
  mediaHoldMs: number;
} {
  const session = { tenantId: owner.tenantId, sessionId: owner.sessionId };
  return {
    storeMedia: (waMessageId, found) => storeIncomingMedia(media, session, waMessageId, found),
    mediaHoldMs: (media?.transferTimeoutMs ?? 0) + MEDIA_HOLD_MARGIN_MS,
  };
}
