import type { Principal } from '#commons/auth/principal.ts';
import { MEDIA_LIMIT_BYTES, type MediaKind, mediaObjectKey, newMediaId } from '#commons/domain/media.ts';
import { downloadPresentation, kindAccepts } from '#commons/domain/media-type.ts';
import {
  InternalError,
  MediaNotFoundError,
  MediaTooLargeError,
  MediaTypeMismatchError,
} from '#commons/errors/app-errors.ts';
import type { MediaDependencies, UseCaseDependencies } from './dependencies.ts';
import { loadVisibleSession } from './session-access.ts';

export interface MediaUploadInput {
  readonly kind: MediaKind;
  readonly mimetype: string;
  readonly size: number;
}

export interface MediaUpload {
  readonly mediaId: string;
  readonly upload: {
    readonly url: string;
    readonly method: 'PUT';
    readonly headers: Readonly<Record<string, string>>;
    readonly expiresAt: string;
  };
}

export function mediaOf(deps: UseCaseDependencies): MediaDependencies {
  if (!deps.media) throw new InternalError('no media bucket is configured');
  return deps.media;
}

/** Refuses a size over the kind's limit (413) before anything is stored or signed. */
export function checkMediaSize(kind: MediaKind, size: number): void {
  const limit = MEDIA_LIMIT_BYTES[kind];
  if (size > limit) {
    throw new MediaTooLargeError(`${kind} media may be at most ${limit} bytes`, {
      details: { kind, size, limit },
    });
  }
}

/**
 * A media id and a presigned PUT for its bytes. Nothing is stored until the
 * tenant uploads; S3 accepts only the announced type and length.
 */
export async function createMediaUpload(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  input: MediaUploadInput,
): Promise<MediaUpload> {
  const media = mediaOf(deps);
  const session = await loadVisibleSession(deps, principal, sessionId);
  checkMediaSize(input.kind, input.size);
  if (!kindAccepts(input.kind, input.mimetype)) {
    throw new MediaTypeMismatchError(`${input.mimetype} is not a ${input.kind} type`, {
      details: { kind: input.kind, mimetype: input.mimetype },
    });
  }
  const mediaId = newMediaId();
  const expiresAt = new Date(deps.clock().getTime() + media.urlTtlSeconds * 1000);
  const upload = await media.store.presignUpload(
    mediaObjectKey(session.tenantId, session.sessionId, mediaId),
    { contentType: input.mimetype, contentLength: input.size },
    media.urlTtlSeconds,
  );
  return { mediaId, upload: { ...upload, expiresAt: expiresAt.toISOString() } };
}

/** A presigned GET of a stored media object of the session, or MEDIA_NOT_FOUND. */
export async function mediaDownloadUrl(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  mediaId: string,
): Promise<string> {
  const media = mediaOf(deps);
  const session = await loadVisibleSession(deps, principal, sessionId);
  // The key comes from the session the caller may see: another tenant's id names nothing here.
  const key = mediaObjectKey(session.tenantId, session.sessionId, mediaId);
  const head = await media.store.head(key);
  if (!head) throw new MediaNotFoundError();
  return media.store.presignDownload(key, media.urlTtlSeconds, downloadPresentation(head.contentType));
}
