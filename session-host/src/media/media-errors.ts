import type { MediaErrorCode } from '#commons/domain/media.ts';

/** Why an outgoing media message was not sent (the internal API maps each to a 4xx, see media-status.ts). */
export type MediaSendCode =
  | 'MEDIA_NOT_CONFIGURED'
  | 'MEDIA_NOT_FOUND'
  | 'MEDIA_TOO_LARGE'
  | 'MEDIA_TYPE_MISMATCH'
  | 'MEDIA_URL_REFUSED'
  | 'MEDIA_URL_FAILED'
  | 'MEDIA_TRANSFERS_BUSY'
  | 'MEDIA_SOURCE_UNAVAILABLE';

/**
 * A media transfer failed for a reason with a stable code. `transient`: the
 * same transfer may succeed later (network, S3, a busy host); anything else
 * fails the same way every time and is not retried.
 */
export class MediaError extends Error {
  override readonly name = 'MediaError';
  constructor(
    readonly code: MediaSendCode | MediaErrorCode,
    message: string,
    readonly transient = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const mediaError = {
  tooLarge: (limit: number) => new MediaError('MEDIA_TOO_LARGE', `the media is larger than ${limit} bytes`),
  integrity: (what: string) => new MediaError('MEDIA_INTEGRITY', `the media failed verification (${what})`),
};
