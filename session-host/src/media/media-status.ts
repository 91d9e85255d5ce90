import type { MediaErrorCode } from '#commons/domain/media.ts';
import type { MediaSendCode } from './media-errors.ts';

/**
 * The internal API's answer to a media send that failed: bad input is a 4xx
 * the API passes on (413 / 415 / 422 / 404); a busy host or an unreachable
 * media store is 429 / 503 with Retry-After, so the caller may try again.
 */
export const MEDIA_SEND_STATUS = {
  MEDIA_NOT_CONFIGURED: 422,
  MEDIA_NOT_FOUND: 404,
  MEDIA_TOO_LARGE: 413,
  MEDIA_TYPE_MISMATCH: 415,
  MEDIA_URL_REFUSED: 422,
  MEDIA_URL_FAILED: 422,
  MEDIA_TRANSFERS_BUSY: 429,
  MEDIA_SOURCE_UNAVAILABLE: 503,
  // Incoming-only codes; listed so every code has an answer.
  MEDIA_EXPIRED: 422,
  MEDIA_INTEGRITY: 422,
  MEDIA_DOWNLOAD_FAILED: 422,
  MEDIA_STORE_FAILED: 503,
} as const satisfies Record<MediaSendCode | MediaErrorCode, 404 | 413 | 415 | 422 | 429 | 503>;

/** Seconds to wait before retrying a transient media failure. */
export const MEDIA_RETRY_AFTER_SECONDS = 5;
