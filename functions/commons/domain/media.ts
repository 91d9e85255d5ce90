import { createHash } from 'node:crypto';

/**
 * Media: the one contract the API, the send queue, the host and the events
 * share. Bytes live in the media bucket under `media/{tenant}/{session}/{id}`;
 * a media id alone never names another tenant's object, because the key is
 * always built from the session the caller may see.
 */
export const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

const MB = 1024 * 1024;

/** WhatsApp's own ceilings (documented in the README); a larger file is refused with 413 MEDIA_TOO_LARGE. */
export const MEDIA_LIMIT_BYTES: Readonly<Record<MediaKind, number>> = {
  image: 16 * MB,
  video: 16 * MB,
  audio: 16 * MB,
  document: 100 * MB,
  sticker: 1 * MB,
};

/** Which kinds WhatsApp shows a caption for. */
export const CAPTION_KINDS: ReadonlySet<MediaKind> = new Set(['image', 'video', 'document']);

/** `med_` + 24 lowercase base32 characters; incoming media ids are derived, uploads are random. */
export const MEDIA_ID_PATTERN = /^med_[a-z2-7]{24}$/;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE32[(bytes[i] ?? 0) & 31];
  return out;
}

/** A fresh id for an upload (120 random bits). */
export function newMediaId(
  random: (length: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): string {
  return `med_${base32(random(24), 24)}`;
}

/** The id of an incoming message's media: the same message stored twice lands on the same object. */
export function incomingMediaId(sessionId: string, waMessageId: string): string {
  const digest = createHash('sha256').update(`in\0${sessionId}\0${waMessageId}`, 'utf8').digest();
  return `med_${base32(digest, 24)}`;
}

export function isMediaId(value: string): boolean {
  return MEDIA_ID_PATTERN.test(value);
}

export function mediaObjectKey(tenantId: string, sessionId: string, mediaId: string): string {
  return `media/${tenantId}/${sessionId}/${mediaId}`;
}

/** Every object of one session (deleted with it). */
export function sessionMediaPrefix(tenantId: string, sessionId: string): string {
  return `media/${tenantId}/${sessionId}/`;
}

/** Where the bytes of an outgoing media message come from. */
export type MediaSource = { readonly mediaId: string } | { readonly url: string };

/** An outgoing media message as the API accepted it and the host sends it. */
export interface OutgoingMedia {
  readonly kind: MediaKind;
  readonly source: MediaSource;
  /** Checked against the bytes (file-type) before anything reaches WhatsApp. */
  readonly mimetype?: string | undefined;
  readonly caption?: string | undefined;
  /** Documents only; WhatsApp shows "file" without one. */
  readonly fileName?: string | undefined;
  /** Audio only: a voice note (push-to-talk). */
  readonly ptt?: boolean | undefined;
}

/** What a `session:message` event says about its media (never the bytes, never a thumbnail). */
export interface IncomingMediaInfo {
  readonly kind: MediaKind;
  readonly mimetype: string;
  /** Present once the bytes are stored and verified; fetch them at GET /v1/sessions/{id}/media/{mediaId}. */
  readonly id?: string | undefined;
  readonly size?: number | undefined;
  /** Hex SHA-256 of the plaintext, as WhatsApp announced and the host verified. */
  readonly sha256?: string | undefined;
  readonly caption?: string | undefined;
  readonly fileName?: string | undefined;
  readonly durationSeconds?: number | undefined;
  /** Set instead of `id` when the bytes could not be fetched or failed verification. */
  readonly error?: { readonly code: MediaErrorCode; readonly message: string } | undefined;
}

export const MEDIA_ERROR_CODES = [
  'MEDIA_EXPIRED',
  'MEDIA_INTEGRITY',
  'MEDIA_TOO_LARGE',
  'MEDIA_DOWNLOAD_FAILED',
  'MEDIA_STORE_FAILED',
] as const;
export type MediaErrorCode = (typeof MEDIA_ERROR_CODES)[number];
