import type { WASocket } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { HostMetrics } from '../metrics.ts';
import { messageEventData, messageEventId, messageStatusData } from './message-events.ts';
import { ReceiptGate } from './receipt-gate.ts';
import type { SessionEvents } from './session-events.ts';

export interface MessageIntake {
  readonly sessionId: string;
  readonly gate: ReceiptGate;
  readonly events: SessionEvents;
  readonly metrics: HostMetrics;
  /** Ids of messages this host sent: their echo is not an incoming message. */
  readonly sent: ReadonlySet<string>;
  /** Baileys is at work on this session (see drain). */
  readonly touch: () => void;
  readonly logger: Logger;
  /** Closes this socket if it is still the session's current one. */
  readonly close: () => void;
}

/** A held receipt of a message that never reaches `messages.upsert` (nacked, undecryptable) goes after this. */
const RECEIPT_FALLBACK_MS = 2_000;

/** The gate that holds a socket's outgoing frames while an incoming message's event is not yet durable. */
export function receiptGate(metrics: HostMetrics): ReceiptGate {
  return new ReceiptGate({
    fallbackMs: RECEIPT_FALLBACK_MS,
    onFallback: () => metrics.receiptGateFallbacks.inc(),
    onReleased: (ms) => metrics.receiptHoldMs.observe(ms),
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

/** Incoming messages become events; each receipt leaves only once its event is in the log (ReceiptGate). */
export function attachMessageIntake(sock: WASocket, intake: MessageIntake): void {
  const { gate } = intake;
  sock.ev.on('messages.upsert', ({ messages, type }) => {
    intake.touch();
    for (const msg of messages) {
      const id = msg.key.id ?? '';
      const data =
        msg.key.fromMe && intake.sent.has(id) ? undefined : messageEventData(msg, type === 'append');
      if (!data) {
        gate.release(id);
        continue;
      }
      intake.metrics.messagesIn.inc();
      intake.events.record('session:message', data, messageEventId(intake.sessionId, msg.key)).then(
        () => gate.release(id),
        (err: unknown) => notRecorded(intake, err),
      );
    }
  });
  sock.ev.on('messages.update', (updates) => {
    for (const update of updates) {
      const data = messageStatusData(update);
      if (data) intake.events.publish('session:message-status', data);
    }
  });
}
