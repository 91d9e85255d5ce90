import type { AnyMessageContent } from '@whiskeysockets/baileys';
import type { ContentSender, OutgoingMessage } from '../runtime/send-text.ts';
import { mediaContent } from './media-content.ts';
import { MediaError } from './media-errors.ts';
import { type MediaRuntime, sourceConfig } from './media-runtime.ts';
import { openMediaSource } from './media-source.ts';

/**
 * A session's content sender: text as it is; media opened (S3 object or URL,
 * sniffed and capped) in one of the host's transfer slots and handed to
 * Baileys as a stream, within the transfer timeout.
 */
export function mediaSender(
  media: MediaRuntime | undefined,
  owner: { readonly tenantId: string; readonly sessionId: string },
): ContentSender {
  return async (message: OutgoingMessage, send: (content: AnyMessageContent) => Promise<void>) => {
    if (!message.media) return send({ text: message.text ?? '' });
    const outgoing = message.media;
    if (!media?.bucket) throw new MediaError('MEDIA_NOT_CONFIGURED', 'media is not configured on this host');
    const signal = AbortSignal.timeout(media.transferTimeoutMs);
    await media.transfers.run(media.transferTimeoutMs, async () => {
      const opened = await openMediaSource(sourceConfig(media), owner, outgoing, signal);
      try {
        await send(mediaContent(outgoing, opened));
      } finally {
        opened.stream.destroy();
      }
    });
    media.metrics.mediaSent.inc();
  };
}
