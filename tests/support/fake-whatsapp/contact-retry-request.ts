import type { BinaryNode } from '@whiskeysockets/baileys';
import { bundleKeyNodes } from './bundle-nodes.ts';
import type { FakeConnection } from './connection.ts';
import type { FakeContext } from './context.ts';
import { pnJid } from './jids.ts';
import { type Companion, companionJid, type FakeUser } from './world.ts';

/** Retry receipts a contact sends for one message before it gives up on it, as WhatsApp clients do. */
export const MAX_RETRY_REQUESTS = 5;
/** Messages whose requests a device's contacts remember; older counts are forgotten first. */
const REMEMBERED_MESSAGES = 1_000;

const requested = new WeakMap<Companion, Map<string, number>>();
/** Retry receipts a device was sent and has not acked yet, by message id, with the connection each went on. */
const unacked = new WeakMap<Companion, Map<string, { node: BinaryNode; connection: FakeConnection }>>();

/**
 * A contact could not decrypt a client's 1:1 message (`Key used already`, no
 * matching session). As its phone does, it sends the client `<receipt
 * type=retry>` with its registration id, and the client encrypts the message
 * again. From the second request on, the receipt carries the contact's key
 * bundle with a fresh one-time pre-key (as WhatsApp clients do, Baileys'
 * `sendRetryRequest` among them), so the client can start a new session
 * instead of sending again on the one that failed.
 * A copy for the sender's own phone is not asked for again. False when it
 * did not ask (then the failure is a `decrypt-error`).
 */
export function requestRetry(
  ctx: FakeContext,
  sender: Companion,
  recipient: FakeUser,
  id: string,
  cause: Error,
): boolean {
  const connection = sender.connection;
  if (recipient === sender.user || !id || !connection?.isOpen) return false;
  const counts = requested.get(sender) ?? new Map<string, number>();
  requested.set(sender, counts);
  const count = (counts.get(id) ?? 0) + 1;
  if (count > MAX_RETRY_REQUESTS) return false;
  counts.delete(id);
  counts.set(id, count);
  if (counts.size > REMEMBERED_MESSAGES) counts.delete(counts.keys().next().value as string);
  const t = String(Math.floor(Date.now() / 1000));
  const registration = Buffer.alloc(4);
  registration.writeUInt32BE(recipient.primary.registrationId);
  const node: BinaryNode = {
    tag: 'receipt',
    attrs: { from: pnJid(recipient.pn), id, t, type: 'retry' },
    content: [
      { tag: 'retry', attrs: { count: String(count), id, t, v: '1' } },
      { tag: 'registration', attrs: {}, content: registration },
      ...(count > 1
        ? [{ tag: 'keys', attrs: {}, content: bundleKeyNodes(recipient.primary.issueBundle()) }]
        : []),
    ],
  };
  if (!ctx.retryReceipts.held) connection.send(node);
  const pending = unacked.get(sender) ?? new Map();
  unacked.set(sender, pending);
  pending.delete(id);
  pending.set(id, { node, connection });
  if (pending.size > REMEMBERED_MESSAGES) pending.delete(pending.keys().next().value as string);
  ctx.events.emit('retry-requested', companionJid(sender), id, count, cause);
  return true;
}

/** The client acked a retry receipt (`<ack class=receipt type=retry>`): WhatsApp stops delivering it. */
export function onRetryReceiptAck(ctx: FakeContext, connection: FakeConnection, ack: BinaryNode): void {
  const companion = connection.companion;
  if (!companion || ack.attrs.class !== 'receipt' || ack.attrs.type !== 'retry' || !ack.attrs.id) return;
  ctx.events.emit('retry-receipt-acked', companionJid(companion), ack.attrs.id);
  if (connection.isOpen) unacked.get(companion)?.delete(ack.attrs.id);
}

/**
 * As WhatsApp does with any stanza a client never acked: a retry receipt sent
 * on a connection that closed goes again on the device's open connection
 * (Baileys acks one only after it tried to send the message again, so a socket
 * that closed during the resend leaves it unacked). Returns how many went.
 */
export function redeliverRetryReceipts(companion: Companion): number {
  const connection = companion.connection;
  if (!connection?.isOpen) return 0;
  let sent = 0;
  for (const entry of unacked.get(companion)?.values() ?? []) {
    if (entry.connection.isOpen) continue;
    entry.connection = connection;
    connection.send(entry.node);
    sent++;
  }
  return sent;
}
