/** Kinds the send form offers; each maps to one field of POST …/messages. */
export const SEND_KINDS = ['text', 'image', 'video', 'audio', 'document', 'sticker'] as const;
export type SendKind = (typeof SEND_KINDS)[number];
export type MediaKind = Exclude<SendKind, 'text'>;

/** README "Media": caption on image, video and document; fileName on document. */
export const takesCaption = (kind: SendKind): boolean =>
  kind === 'image' || kind === 'video' || kind === 'document';

/** The `accept` hint of the file picker; the API checks the bytes whatever is picked. */
export const ACCEPT: Record<MediaKind, string> = {
  image: 'image/*',
  video: 'video/*',
  audio: 'audio/*',
  document: '',
  sticker: 'image/webp',
};

/** A fresh idempotency key per send, so a retried request never sends twice. */
export function newIdempotencyKey(): string {
  return `dash-${crypto.randomUUID()}`;
}

/** The body of POST …/messages for media already uploaded as `mediaId`. */
export function mediaSendBody(
  to: string,
  kind: MediaKind,
  mediaId: string,
  options: { caption?: string; fileName?: string },
): Record<string, unknown> {
  const content: Record<string, unknown> = { mediaId };
  const caption = options.caption?.trim();
  if (caption && takesCaption(kind)) content.caption = caption;
  if (kind === 'document' && options.fileName) content.fileName = options.fileName;
  return { to, [kind]: content, idempotencyKey: newIdempotencyKey() };
}

/** The mimetype to declare for an upload: the browser's guess, or a neutral one the API checks. */
export function uploadMimetype(file: { type: string }, kind: MediaKind): string {
  if (file.type) return file.type;
  return kind === 'sticker' ? 'image/webp' : 'application/octet-stream';
}
