import { proto, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { EventData } from '#commons/domain/event-payloads.ts';
import type { IncomingMediaInfo } from '#commons/domain/media.ts';
import { attachGroupIntake } from '../groups/group-intake.ts';
import { describedMedia, type FoundMedia, findMedia } from '../media/incoming-media.ts';
import type { MessageIds } from '../messaging/message-ids.ts';
import { withBothForms } from '../messaging/status-identity.ts';
import type { HostMetrics } from '../metrics.ts';
import { CommitBeforeWire } from './commit-before-wire.ts';
import {
  foldedStatusData,
  type MessageEventData,
  messageEventData,
  messageEventId,
  messageStatusData,
} from './message-events.ts';
import { ReceiptGate } from './receipt-gate.ts';
import type { SessionEvents } from './session-events.ts';

export interface MessageIntake {
  readonly sessionId: string;
  readonly gate: ReceiptGate;
  readonly events: SessionEvents;
  readonly metrics: HostMetrics;
  /** Ids of messages this host sent: their echo is not an incoming message. */
  readonly sent: MessageIds;
  /** Baileys is at work on this session (see drain). */
  readonly touch: () => void;
  readonly logger: Logger;
  /** Closes this socket if it is still the session's current one. */
  readonly close: () => void;
  /** When the session's key storage last failed (ms since the epoch; 0: never). */
  readonly storageFailedAt: () => number;
  /** Downloads, verifies and stores a message's media; never rejects (a failure is `error` in the info). */
  readonly storeMedia: (waMessageId: string, found: FoundMedia) => Promise<IncomingMediaInfo>;
  /** How long a media message's receipt may wait for its media (the transfer timeout plus a margin). */
  readonly mediaHoldMs: number;
}

/** A held receipt of a message that never reaches `messages.upsert` (nacked, undecryptable) goes after this. */
const RECEIPT_FALLBACK_MS = 2_000;

/**
 * A message that reached us holds its receipt until its event is in the log,
 * up to this: the event is retried meanwhile (never given up), so only an
 * event-log outage this long, then a crash, could lose it. Before, the 2 s
 * fallback let the receipt go during any outage longer than that.
 */
export const MESSAGE_EVENT_HOLD_MS = 60_000;

/**
 * A message Baileys could not decrypt this soon after a key read or write
 * failed is taken for one our storage failed, not one the contact garbled.
 */
export const STORAGE_BLAME_MS = 5_000;

/**
 * The gate that holds a socket's outgoing frames while an incoming message's
 * event is not yet durable, or while the keys a frame depends on are not.
 */
export function receiptGate(metrics: HostMetrics, logger: Logger, sessionId: string): ReceiptGate {
  let told = false;
  const onAfterEnd = (work: string) => {
    metrics.keyWorkAfterEnd.inc();
    if (!told)
      logger.warn({ sessionId, work }, 'key work started after its transaction ended; given its own');
    told = true;
  };
  return new ReceiptGate({
    fallbackMs: RECEIPT_FALLBACK_MS,
    onFallback: () => metrics.receiptGateFallbacks.inc(),
    onReleased: (ms) => metrics.receiptHoldMs.observe(ms),
    commits: new CommitBeforeWire({ onAfterEnd }),
    onUncommitted: () => metrics.uncommittedFrames.inc(),
  });
}

/**
 * A message event could not be queued (the session's queue is full): close
 * the socket with its held receipts, so WhatsApp delivers the message again
 * once the log keeps up, instead of receipting a message with no event.
 */
function notRecorded(intake: MessageIntake, err: unknown): void {
  intake.logger.error({ err, sessionId: intake.sessionId }, 'message event not recorded; closing socket');
  intake.close();
}

/**
 * Baileys answers a message it could not decrypt with a retry receipt and a
 * nack, and the contact's phone sends it again at once, a few times, then
 * gives up. When the cause is our key storage (S3 or DynamoDB away), those
 * retries fail too and the message is lost. So its held frames never leave:
 * the socket closes, and WhatsApp delivers the message again on the next
 * connection, once the keys can be read and written.
 */
function undecryptedOnStorage(intake: MessageIntake, msg: WAMessage): boolean {
  if (msg.messageStubType !== proto.WebMessageInfo.StubType.CIPHERTEXT) return false;
  if (Date.now() - intake.storageFailedAt() > STORAGE_BLAME_MS) return false;
  intake.metrics.storageRedeliveries.inc();
  intake.logger.warn(
    { sessionId: intake.sessionId, messageId: msg.key.id },
    'message not decrypted while key storage failed; closing socket for redelivery',
  );
  intake.close();
  return true;
}

/** storeMedia does not reject; should it, the message still gets its event. */
function unstored(found: FoundMedia): IncomingMediaInfo {
  return {
    ...describedMedia(found),
    error: { code: 'MEDIA_DOWNLOAD_FAILED', message: 'the media could not be stored' },
  };
}

/**
 * Incoming messages become events; each receipt leaves only once its event is
 * in the log (ReceiptGate). A media message's event waits for its media to be
 * stored (or to fail); the session's later messages queue behind it so events
 * keep WhatsApp's order. Other sessions never wait: each has its own chain.
 */
export function attachMessageIntake(sock: WASocket, intake: MessageIntake): void {
  const { gate } = intake;
  let chain: Promise<void> = Promise.resolve();
  let preparing = 0;
  const record = (msg: WAMessage, id: string, data: MessageEventData): void => {
    gate.extend(id, MESSAGE_EVENT_HOLD_MS);
    intake.events.record('session:message', data, messageEventId(intake.sessionId, msg.key)).then(
      () => gate.release(id),
      (err: unknown) => notRecorded(intake, err),
    );
  };
  // In order, each once its chat is named in both forms.
  let statuses: Promise<void> = Promise.resolve();
  const publishStatus = (data: EventData<'session:message-status'>): void => {
    statuses = statuses
      .then(() => withBothForms(sock.signalRepository.lidMapping, data))
      .then((named) => intake.events.publish('session:message-status', named));
  };
  sock.ev.on('messages.upsert', ({ messages, type }) => {
    intake.touch();
    for (const msg of messages) {
      const id = msg.key.id ?? '';
      if (!msg.key.fromMe && id) intake.sent.noteReceived(id);
      if (!msg.key.fromMe && id && msg.key.remoteJid)
        intake.sent.unread.note(
          { remoteJid: msg.key.remoteJid, id, participant: msg.key.participant ?? undefined },
          msg.key.remoteJidAlt,
        );
      const folded = intake.sent.has(id) ? foldedStatusData(msg) : undefined;
      if (folded) publishStatus(folded);
      const data =
        msg.key.fromMe && intake.sent.has(id) ? undefined : messageEventData(msg, type === 'append');
      if (!data) {
        if (!undecryptedOnStorage(intake, msg)) gate.release(id);
        continue;
      }
      intake.metrics.messagesIn.inc();
      const found = findMedia(msg.message);
      if (!found && preparing === 0) {
        record(msg, id, data);
        continue;
      }
      if (found) gate.extend(id, intake.mediaHoldMs);
      preparing += 1;
      const prepared = chain.then(async () =>
        found ? { ...data, media: await intake.storeMedia(id, found).catch(() => unstored(found)) } : data,
      );
      chain = prepared.then((ready) => {
        preparing -= 1;
        record(msg, id, ready);
      });
    }
  });
  sock.ev.on('messages.update', (updates) => {
    for (const update of updates) {
      const data = messageStatusData(update);
      if (data) publishStatus(data);
    }
  });
  attachGroupIntake(sock, intake);
}
