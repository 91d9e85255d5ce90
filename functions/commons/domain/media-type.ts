import type { MediaKind } from './media.ts';

/**
 * Which content types each kind accepts, and whether the bytes agree with
 * what the caller declared. Pure: the caller sniffs the bytes (file-type) and
 * passes what it found.
 */

/** Bytes file-type needs to recognise every format it knows: the API and the host sniff this many. */
export const SNIFF_BYTES = 4_100;

/** A MIME type with optional parameters (`audio/ogg; codecs=opus`), at most 255 characters. */
export const MIMETYPE_PATTERN =
  /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"]*"|[a-z0-9!#$&^_.+-]+))*$/i;

/** The type without parameters, lowercased, under its one common spelling. */
export function essence(mimetype: string): string {
  const bare = (mimetype.split(';')[0] ?? '').trim().toLowerCase();
  return ALIASES[bare] ?? bare;
}

// file-type and browsers name some types differently; each pair is one type.
const ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/mp3': 'audio/mpeg',
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/opus': 'audio/ogg',
  'audio/x-wav': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
};

/** Whether `mimetype` belongs to `kind` at all (documents take anything; stickers are WebP). */
export function kindAccepts(kind: MediaKind, mimetype: string): boolean {
  const type = essence(mimetype);
  switch (kind) {
    case 'image':
      return type.startsWith('image/');
    case 'sticker':
      return type === 'image/webp';
    case 'video':
      return type.startsWith('video/');
    case 'audio':
      return type.startsWith('audio/');
    case 'document':
      return true;
  }
}

export type MediaTypeVerdict =
  | { readonly ok: true; readonly mimetype: string }
  | { readonly ok: false; readonly reason: string };

/**
 * The content type to send the bytes as, or why they may not be sent as
 * `kind`. `sniffed` is what the bytes are (undefined when unrecognised);
 * `declared` what the caller said; `fallback` the upload's content type.
 */
export function resolveMediaType(
  kind: MediaKind,
  sniffed: string | undefined,
  declared: string | undefined,
  fallback?: string | undefined,
): MediaTypeVerdict {
  if (sniffed === undefined) {
    // Only a document may be something file-type does not know (text, CSV, …).
    if (kind !== 'document') return { ok: false, reason: `the bytes are not a recognised ${kind}` };
    return { ok: true, mimetype: declared ?? fallback ?? 'application/octet-stream' };
  }
  if (!kindAccepts(kind, sniffed)) return { ok: false, reason: `the bytes are ${sniffed}, not a ${kind}` };
  if (declared !== undefined && essence(declared) !== essence(sniffed))
    return { ok: false, reason: `the bytes are ${sniffed}, not the declared ${declared}` };
  return { ok: true, mimetype: sniffed };
}

/** Types a browser may show inline from the bucket's origin: plain images, audio and video, no scripts. */
const INLINE_SAFE = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'video/mp4',
  'video/3gpp',
  'video/webm',
  'audio/ogg',
  'audio/mpeg',
  'audio/mp4',
  'audio/aac',
  'audio/wav',
  'audio/amr',
]);

/**
 * How a presigned download should be served. A contact chooses the stored
 * Content-Type, so a "document" of `text/html` or an `image/svg+xml` would
 * otherwise render (and run script) on the bucket's S3 origin when opened.
 * Anything not plainly safe is served as a download of opaque bytes.
 */
export function downloadPresentation(contentType: string | undefined): {
  readonly attachment: boolean;
} {
  return { attachment: !contentType || !INLINE_SAFE.has(essence(contentType)) };
}
