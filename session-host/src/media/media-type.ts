import type { MediaKind } from '#commons/domain/media.ts';

/** Bytes file-type needs to recognise every format it knows. */
export const SNIFF_BYTES = 4_100;

/** What a kind's bytes may be (by their sniffed type); documents may be anything. */
const ACCEPTS: Readonly<Record<MediaKind, (mime: string) => boolean>> = {
  image: (m) => m.startsWith('image/'),
  sticker: (m) => m === 'image/webp',
  video: (m) => m.startsWith('video/'),
  audio: (m) => m.startsWith('audio/'),
  document: () => true,
};

const base = (mime: string): string => (mime.split(';')[0] ?? '').trim().toLowerCase();

export type TypeVerdict =
  | { readonly ok: true; readonly mimetype: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Whether sniffed bytes fit the kind and the declared mimetype, and the
 * mimetype to send: the declared one, else the sniffed one. A non-document
 * whose bytes are not recognised is refused (WhatsApp would show a broken
 * image); a declared type the bytes contradict is refused.
 */
export function checkMediaType(
  kind: MediaKind,
  sniffed: string | undefined,
  declared: string | undefined,
): TypeVerdict {
  const accepts = ACCEPTS[kind];
  if (declared !== undefined && !accepts(base(declared)))
    return { ok: false, reason: `a ${kind} cannot be ${base(declared)}` };
  if (sniffed === undefined) {
    if (kind !== 'document') return { ok: false, reason: `the bytes are not a recognised ${kind} format` };
    return { ok: true, mimetype: declared ?? 'application/octet-stream' };
  }
  if (!accepts(base(sniffed))) return { ok: false, reason: `the bytes are ${base(sniffed)}, not a ${kind}` };
  if (declared !== undefined && base(declared) !== base(sniffed))
    return { ok: false, reason: `the bytes are ${base(sniffed)}, not ${base(declared)}` };
  return { ok: true, mimetype: declared ?? sniffed };
}
