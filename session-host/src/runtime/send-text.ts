import { jidEncode, type WASocket } from '@whiskeysockets/baileys';
import { parseRecipient } from '#commons/domain/recipient.ts';
import type { HostMetrics } from '../metrics.ts';
import { GateClosedError, type ReceiptGate } from './receipt-gate.ts';
import { type SendPacer, SendQueueFullError } from './send-pacer.ts';
import { InvalidRecipientError, SessionNotConnectedError } from './session-errors.ts';

/** Ids of messages a session sent recently: a repeated send is answered without sending twice. */
export const MAX_SENT_IDS = 10_000;

/**
 * Sends a text on a connected socket ('repeated': sent before under this id, not sent again). Only a frame that left the receipt
 * gate counts as sent: held behind a receipt, it may still die with the socket.
 */
export async function sendText(
  socket: { readonly sock: WASocket; readonly gate: ReceiptGate },
  sent: Set<string>,
  message: { readonly to: string; readonly text: string; readonly messageId: string },
  options: { readonly typingMs?: number } = {},
): Promise<'sent' | 'repeated'> {
  const recipient = parseRecipient(message.to);
  if (!recipient) throw new InvalidRecipientError('expected a phone number, a user JID or a group JID');
  if (sent.has(message.messageId)) return 'repeated';
  const jid = jidEncode(recipient.user, recipient.server);
  sent.add(message.messageId);
  if (sent.size > MAX_SENT_IDS) sent.delete(sent.values().next().value as string);
  try {
    if (options.typingMs) await showTyping(socket.sock, jid, options.typingMs);
    await socket.sock.sendMessage(jid, { text: message.text }, { messageId: message.messageId });
    await socket.gate.whenFlushed();
    return 'sent';
  } catch (err) {
    sent.delete(message.messageId);
    if (err instanceof GateClosedError)
      throw new SessionNotConnectedError('the connection closed before the message left', { cause: err });
    throw err;
  }
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
  sent: Set<string>,
  message: { readonly to: string; readonly text: string; readonly messageId: string },
): Promise<{ messageId: string }> {
  const connected = (): { sock: WASocket; gate: ReceiptGate } => {
    const { sock, gate } = current();
    if (!sock || !gate) throw new SessionNotConnectedError(`session ${sessionId} is not connected`);
    return { sock, gate };
  };
  if (parseRecipient(message.to)) connected();
  const result = await pacer
    .run(async () => sendText(connected(), sent, message, pacer.pacing))
    .catch((err: unknown) => {
      if (err instanceof SendQueueFullError) metrics.sendQueueFull.inc();
      throw err;
    });
  if (result === 'sent') metrics.messagesOut.inc();
  return { messageId: message.messageId };
}
