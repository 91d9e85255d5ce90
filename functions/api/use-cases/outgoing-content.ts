import { fileTypeFromBuffer } from 'file-type';
import { newMessageId } from '#commons/domain/ids.ts';
import {
  MEDIA_LIMIT_BYTES,
  type MediaKind,
  mediaObjectKey,
  type OutgoingMedia,
} from '#commons/domain/media.ts';
import { resolveMediaType, SNIFF_BYTES } from '#commons/domain/media-type.ts';
import {
  groupReferenceProblem,
  type MessageAction,
  type QuotedMessage,
} from '#commons/domain/message-content.ts';
import { newOutboxEntry, type OutboxEntry } from '#commons/domain/session-outbox.ts';
import type { SessionRecord } from '#commons/domain/session-record.ts';
import {
  MediaNotFoundError,
  MediaTooLargeError,
  MediaTypeMismatchError,
  MediaUrlRefusedError,
  ValidationFailedError,
} from '#commons/errors/app-errors.ts';
import { checkMediaUrl } from '#commons/media/media-url-policy.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { mediaOf } from './session-media.ts';

/** A media message as the caller asked for it (exactly one of mediaId and url). */
export interface MediaRequest {
  readonly kind: MediaKind;
  readonly mediaId?: string | undefined;
  readonly url?: string | undefined;
  readonly mimetype?: string | undefined;
  readonly caption?: string | undefined;
  readonly fileName?: string | undefined;
  readonly ptt?: boolean | undefined;
}

/** What a send carries once checked: text, media with its source and the type its bytes have, or an action. */
export type OutgoingContent =
  | { readonly text: string }
  | { readonly media: OutgoingMedia }
  | { readonly action: MessageAction };

/**
 * Checks a send's content before anything is written: a media id must name an
 * object of this session within the kind's limit whose bytes are that kind
 * (404, 413, 415); a URL must pass the media URL policy as written (422; the
 * host checks size and type while it fetches). Reads only.
 */
export async function resolveContent(
  deps: UseCaseDependencies,
  session: SessionRecord,
  input: {
    readonly text?: string | undefined;
    readonly media?: MediaRequest | undefined;
    readonly action?: MessageAction | undefined;
  },
): Promise<OutgoingContent> {
  if (input.action) return { action: input.action };
  if (!input.media) return { text: input.text ?? '' };
  const request = input.media;
  const media = mediaOf(deps);
  const extras = {
    ...(request.caption !== undefined && { caption: request.caption }),
    ...(request.fileName !== undefined && { fileName: request.fileName }),
    ...(request.ptt !== undefined && { ptt: request.ptt }),
  };
  if (request.url !== undefined) {
    const checked = checkMediaUrl(request.url, media.urlDestinations);
    if (!checked.ok) throw new MediaUrlRefusedError(`media URL refused: ${checked.reason}`);
    return {
      media: {
        kind: request.kind,
        source: { url: checked.url.href },
        ...(request.mimetype !== undefined && { mimetype: request.mimetype }),
        ...extras,
      },
    };
  }
  const mediaId = request.mediaId as string;
  const key = mediaObjectKey(session.tenantId, session.sessionId, mediaId);
  const head = await media.store.head(key);
  if (!head) throw new MediaNotFoundError();
  const limit = MEDIA_LIMIT_BYTES[request.kind];
  if (head.size > limit) {
    throw new MediaTooLargeError(`${request.kind} media may be at most ${limit} bytes`, {
      details: { kind: request.kind, size: head.size, limit },
    });
  }
  const start = await media.store.readStart(key, SNIFF_BYTES);
  if (!start) throw new MediaNotFoundError();
  const sniffed = start.length > 0 ? (await fileTypeFromBuffer(start))?.mime : undefined;
  const verdict = resolveMediaType(request.kind, sniffed, request.mimetype, head.contentType);
  if (!verdict.ok) {
    throw new MediaTypeMismatchError(verdict.reason, {
      details: { kind: request.kind, ...(sniffed && { detected: sniffed }) },
    });
  }
  return {
    media: { kind: request.kind, source: { mediaId }, mimetype: verdict.mimetype, ...extras },
  };
}

/** Exactly one of text, media and action; `quoted` with text or media makes a reply. */
export interface SendMessageInput {
  readonly to: string;
  readonly text?: string | undefined;
  readonly media?: MediaRequest | undefined;
  readonly action?: MessageAction | undefined;
  readonly quoted?: QuotedMessage | undefined;
  readonly idempotencyKey?: string | undefined;
}

/** A send checked and given its id: what to send and the outbox row both send paths start from. */
export interface PreparedSend {
  readonly content: OutgoingContent;
  readonly messageId: string;
  readonly now: Date;
  readonly row: OutboxEntry;
  readonly digest: string;
}

/** Checks the content (reads only), then mints the message id and the row its idempotency key will hold. */
export async function prepareSend(
  deps: UseCaseDependencies,
  session: SessionRecord,
  input: SendMessageInput,
): Promise<PreparedSend> {
  const problem = groupReferenceProblem(input.to, input.quoted, input.action);
  if (problem) throw new ValidationFailedError(problem);
  const content = await resolveContent(deps, session, input);
  const now = deps.clock();
  const messageId = (deps.newMessageId ?? newMessageId)();
  const row = newOutboxEntry(
    {
      to: input.to,
      ...content,
      ...(input.quoted && { quoted: input.quoted }),
      idempotencyKey: input.idempotencyKey,
      sessionId: session.sessionId,
      tenantId: session.tenantId,
      messageId,
    },
    now,
  );
  return { content, messageId, now, row, digest: row.requestDigest as string };
}
