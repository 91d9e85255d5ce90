import { z } from '@hono/zod-openapi';
import { SESSION_ID_PATTERN } from '#commons/domain/ids.ts';
import { MEDIA_ID_PATTERN, MEDIA_KINDS, MEDIA_LIMIT_BYTES } from '#commons/domain/media.ts';
import { MIMETYPE_PATTERN } from '#commons/domain/media-type.ts';
import { MAX_MEDIA_URL_LENGTH } from '#commons/media/media-url-policy.ts';

const MB = 1024 * 1024;
const limitsText = MEDIA_KINDS.map((k) => `${k} ${MEDIA_LIMIT_BYTES[k] / MB} MB`).join(', ');

export const mediaIdField = z
  .string()
  .regex(MEDIA_ID_PATTERN, 'expected a media id (med_ + 24 characters)')
  .openapi({ example: 'med_abcdefghijklmnopqrstuvwx' });

export const mimetypeField = z
  .string()
  .max(255)
  .regex(MIMETYPE_PATTERN, 'expected a MIME type such as image/jpeg')
  .openapi({ example: 'image/jpeg' });

export const MediaKindSchema = z.enum(MEDIA_KINDS).openapi('MediaKind', {
  description: `What WhatsApp shows the media as. Limits: ${limitsText}. Stickers are WebP images.`,
});

export const CreateMediaBody = z
  .strictObject({
    kind: MediaKindSchema,
    mimetype: mimetypeField.openapi({
      description:
        'The Content-Type the upload will carry (signed: the PUT must send exactly this). image/* for image, image/webp for sticker, video/* for video, audio/* for audio, anything for document; otherwise 415 MEDIA_TYPE_MISMATCH.',
    }),
    size: z
      .number()
      .int()
      .min(1)
      .openapi({
        example: 48213,
        description: `Exact byte length of the upload (signed). Over the kind's limit: 413 MEDIA_TOO_LARGE (${limitsText}).`,
      }),
  })
  .openapi('CreateMedia');

export const MediaUploadSchema = z
  .object({
    mediaId: z.string().openapi({ example: 'med_abcdefghijklmnopqrstuvwx' }),
    upload: z.object({
      url: z.string().openapi({ description: 'Presigned S3 URL; PUT the bytes here before expiresAt.' }),
      method: z.literal('PUT'),
      headers: z.record(z.string(), z.string()).openapi({
        description:
          'Send exactly these headers (content-type, content-length); they are part of the signature.',
      }),
      expiresAt: z.string(),
    }),
  })
  .openapi('MediaUpload');

export const MediaParams = z.object({
  id: z
    .string()
    .regex(SESSION_ID_PATTERN)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ses_abcdefghijklmnopqrst' }),
  mediaId: mediaIdField.openapi({ param: { name: 'mediaId', in: 'path' } }),
});

const source = {
  mediaId: mediaIdField
    .optional()
    .openapi({ description: 'From POST /v1/sessions/{id}/media, once uploaded.' }),
  url: z.string().max(MAX_MEDIA_URL_LENGTH).optional().openapi({
    description:
      'A public https URL the session host fetches (size and type checked while streaming). Private, loopback and link-local addresses are refused (422 MEDIA_URL_REFUSED).',
  }),
  mimetype: mimetypeField.optional().openapi({
    description:
      'Optional; must agree with the bytes (415 MEDIA_TYPE_MISMATCH). The type sent is the one detected in the bytes, or this one for a document whose format is not recognised.',
  }),
};
const caption = {
  caption: z.string().min(1).max(1024).optional().openapi({ description: 'Shown under the media.' }),
};

function exactlyOneSource(
  media: { mediaId?: string | undefined; url?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if ((media.mediaId === undefined) === (media.url === undefined))
    ctx.addIssue({ code: 'custom', path: ['mediaId'], message: 'give exactly one of mediaId and url' });
}

export const ImageMedia = z
  .strictObject({ ...source, ...caption })
  .superRefine(exactlyOneSource)
  .openapi('ImageMedia');
export const VideoMedia = z
  .strictObject({ ...source, ...caption })
  .superRefine(exactlyOneSource)
  .openapi('VideoMedia');
export const AudioMedia = z
  .strictObject({
    ...source,
    ptt: z.boolean().optional().openapi({ description: 'Send as a voice note (push to talk).' }),
  })
  .superRefine(exactlyOneSource)
  .openapi('AudioMedia', { description: 'No caption: WhatsApp shows none for audio.' });
export const DocumentMedia = z
  .strictObject({
    ...source,
    ...caption,
    fileName: z
      .string()
      .min(1)
      .max(255)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
      .regex(/^[^\u0000-\u001f\u007f/\\]+$/, 'a file name without path separators or control characters')
      .optional()
      .openapi({ example: 'invoice.pdf' }),
  })
  .superRefine(exactlyOneSource)
  .openapi('DocumentMedia');
export const StickerMedia = z
  .strictObject({ ...source })
  .superRefine(exactlyOneSource)
  .openapi('StickerMedia', { description: 'A WebP image; no caption.' });
