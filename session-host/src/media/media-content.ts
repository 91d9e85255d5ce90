import type { AnyMessageContent } from '@whiskeysockets/baileys';
import type { OutgoingMedia } from '#commons/domain/media.ts';
import type { OpenedMedia } from './media-source.ts';

/** What Baileys sends for one media message: always `{stream}` (Baileys encrypts it through a temp file). */
export function mediaContent(media: OutgoingMedia, opened: OpenedMedia): AnyMessageContent {
  const upload = { stream: opened.stream };
  const { mimetype } = opened;
  const caption = media.caption === undefined ? {} : { caption: media.caption };
  switch (media.kind) {
    case 'image':
      return { image: upload, mimetype, ...caption };
    case 'video':
      return { video: upload, mimetype, ...caption };
    case 'audio':
      return { audio: upload, mimetype, ...(media.ptt !== undefined && { ptt: media.ptt }) };
    case 'document':
      return { document: upload, mimetype, fileName: media.fileName ?? 'file', ...caption };
    case 'sticker':
      return { sticker: upload, mimetype };
  }
}
