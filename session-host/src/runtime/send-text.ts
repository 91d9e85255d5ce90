import {
  type AnyMessageContent,
  jidEncode,
  type MiscMessageGenerationOptions,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { OutgoingMedia } from '#commons/domain/media.ts';
import type { MessageAction, QuotedMessage } from '#commons/domain/message-content.ts';
import { parseRecipient } from '#commons/domain/recipient.ts';
import { actionContent, ownMessageTarget, quotedMessage } from '../messaging/action-content.ts';
import { MessageIds, NotOwnMessageError } from '../messaging/message-ids.ts';
import type { HostMetrics } from '../metrics.ts';
import { AckTimeoutError, GateClosedError, type ReceiptGate } from './receipt-gate.ts';
import { type SendPacer, SendQueueFullError } from './send-pacer.ts';
import {
  InvalidRecipientError,
  type SendStage,
  SendStalledError,
  SessionNotConnectedError,
} from './session-errors.ts';

export { MessageIds };

/** Ids of messages a session sent recently: a repeated send is answered without sending twice. */
export const MAX_SENT_IDS = 10_000;

/** One outgoing message: exactly one of `text`, `media` and `action`; `quoted` makes text or media a reply. */
export interface OutgoingMessage {
  readonly to: string;
  readonly messageId: string;
  readonly text?: string | undefined;
  readonly media?: OutgoingMedia | undefined;
  readonly action?: MessageAction | undefined;
  readonly quoted?: QuotedMessage | undefined;
}

/**
 * Sends a message on the socket it is given, once its content is ready: the
 * media path opens its source inside `send` (in its transfer slot), after the
 * pacer's turn, so nothing is fetched for a message still waiting.
 */
export type ContentSender = (
  message: OutgoingMessage,
  send: (content: AnyMessageContent) => Promise<void>,
) => Promise<void>;

const textOnly: ContentSender = async (message, send) => {
  if (message.media) throw new Error('media sends need a media runtime');
  await send({ text: message.text ?? '' });
};

/**
 * How long a send waits for WhatsApp's ack of its stanza before it counts as
 * not sent (and is retried under the same id, which WhatsApp delivers once).
 */
export const SERVER_ACK_TIMEOUT_MS = 15_000;

/**
 * How long a send may take from its turn to WhatsApp's ack (typing, keys,
 * frames held behind receipts, the ack itself) before the socket counts as
 * unhealthy: it is closed (WhatsApp redelivers what it had not acked), the
 * session reconnects, and the message goes again under its id (SEND_STALLED).
 */
export const SEND_STALL_MS = 45_000;

/**
 * Sends a message on a connected socket ('repeated': sent before under this id, not sent again). It counts as
 * sent only once its frame left the receipt gate (held behind a receipt, it may still die with the socket) and
 * WhatsApp acked the stanza (a socket WhatsApp already replaced takes the frame and drops it). A send that
 * stalls (no ack in time, or it never got that far) closes the socket: SendStalledError.
 */
export async function sendText(
  socket: { readonly sock: WASocket; readonly gate: ReceiptGate },
  sent: MessageIds,
  message: OutgoingMessage,
  options: { readonly typingMs?: number } = {},
  sender: ContentSender = textOnly,
): Promise<'sent' | 'repeated'> {
  const recipient = parseRecipient(message.to);
  if (!recipient) throw new InvalidRecipientError('expected a phone number, a user JID or a group JID');
  if (sent.has(message.messageId)) return 'repeated';
  const target = ownMessageTarget(message.action);
  if (target && sent.isReceived(target))
    throw new NotOwnMessageError('only messages this session sent can be edited or deleted');
  const jid = jidEncode(recipient.user, recipient.server);
  const generation: MiscMessageGenerationOptions = {
    messageId: message.messageId,
    ...(message.quoted && { quoted: quotedMessage(jid, message.quoted) }),
  };
  sent.add(message.messageId);
  if (sent.size > MAX_SENT_IDS) sent.delete(sent.values().next().value as string);
  let stage: SendStage = 'typing';
  const steps = async () => {
    if (options.typingMs) await showTyping(socket.sock, jid, options.typingMs);
    stage = 'encrypt';
    // Waiting before the frame goes, so a fast ack is not missed; its clock starts once the frame has left.
    const acked = socket.gate.whenAcked(message.messageId, SEND_STALL_MS);
    acked.catch(() => undefined); // awaited below; a send that fails first leaves it to time out unobserved
    const send = async (content: AnyMessageContent) => {
      const out = await socket.sock.sendMessage(jid, content, generation);
      if (out?.message) sent.contents.remember(message.messageId, out.message);
    };
    if (message.action) await send(actionContent(jid, message.action));
    else await sender(message, send);
    stage = 'gate';
    await socket.gate.whenFlushed();
    stage = 'ack';
    // Counted from the frame leaving: a frame held at the gate waits for our storage, not for WhatsApp.
    await within(acked, SERVER_ACK_TIMEOUT_MS, () => {
      return new AckTimeoutError(
        `WhatsApp did not acknowledge ${message.messageId} in ${SERVER_ACK_TIMEOUT_MS} ms`,
      );
    });
  };
  try {
    await within(steps(), SEND_STALL_MS, () => new SendStalledError(stage, { waits: socket.gate.waits() }));
    return 'sent';
  } catch (err) {
    sent.delete(message.messageId);
    if (err instanceof AckTimeoutError || err instanceof SendStalledError) {
      const stalled =
        err instanceof SendStalledError
          ? err
          : new SendStalledError('ack', { cause: err, waits: socket.gate.waits() });
      // Held at the gate, the frame waits for our own storage (an event or keys not yet durable): the socket is fine.
      if (stalled.stage !== 'gate') socket.sock.ws.close().catch(() => undefined);
      throw stalled;
    }
    if (err instanceof GateClosedError)
      throw new SessionNotConnectedError('the connection closed before the message left', { cause: err });
    throw err;
  }
}

/** `work`, or the error `late()` makes once `ms` have passed (past it, work's own outcome no longer matters). */
function within(work: Promise<void>, ms: number, late: () => Error): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
    timer.unref();
  });
  work.catch(() => undefined);
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

/** "typing…" for a while before the message, as a person would; a failed presence does not stop the send. */
async function showTyping(sock: WASocket, jid: string, ms: number): Promise<void> {
  await sock.sendPresenceUpdate('composing', jid).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, ms));
  await sock.sendPresenceUpdate('paused', jid).catch(() => undefined);
}

type Current = () => { readonly sock?: WASocket | undefined; readonly gate?: ReceiptGate | undefined };

/**
 * A session's send: refused at once when the recipient is fine but the session
 * is not connected, else queued in order at the paced rate; the socket is read
 * again after the wait, since it may have changed meanwhile.
 */
export async function sendPaced(
  sessionId: string,
  pacer: SendPacer,
  metrics: HostMetrics,
  current: Current,
  sent: MessageIds,
  message: OutgoingMessage,
  sender?: ContentSender,
): Promise<{ messageId: string }> {
  const connected = (): { sock: WASocket; gate: ReceiptGate } => {
    const { sock, gate } = current();
    if (!sock || !gate) throw new SessionNotConnectedError(`session ${sessionId} is not connected`);
    return { sock, gate };
  };
  if (parseRecipient(message.to)) connected();
  const result = await pacer
    .run(async () => sendText(connected(), sent, message, pacer.pacing, sender))
    .catch((err: unknown) => {
      if (err instanceof SendQueueFullError) metrics.sendQueueFull.inc();
      if (err instanceof SendStalledError) metrics.sendStalls.inc();
      throw err;
    });
  if (result === 'sent') metrics.messagesOut.inc();
  return { messageId: message.messageId };
}
