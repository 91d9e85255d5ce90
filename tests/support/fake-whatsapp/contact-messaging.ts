import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren, proto } from '@whiskeysockets/baileys';
import { type FakeConnection, newStanzaId } from './connection.ts';
import { receiveMedia } from './contact-media.ts';
import { redeliverRetryReceipts, requestRetry } from './contact-retry-request.ts';
import type { FakeContext } from './context.ts';
import { lidJid, parseUserJid, pnJid } from './jids.ts';
import { silenceLibsignalConsole } from './quiet-libsignal.ts';
import {
  type Companion,
  companionJid,
  type FakeUser,
  type PendingDelivery,
  type ReceivedMessage,
  takeCompanionBundle,
  type UnreceiptedMessage,
} from './world.ts';

export interface SendTextOptions {
  /** `pn` (default): `from=PN sender_lid=LID`; `lid`: `from=LID sender_pn=PN addressing_mode=lid`. */
  addressing?: 'pn' | 'lid';
  id?: string;
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** Sends `message` from `sender`'s device 0 to every linked device of `recipient`; returns the message id. */
export function sendFromUser(
  ctx: FakeContext,
  sender: FakeUser,
  recipient: FakeUser,
  message: proto.IMessage,
  options: SendTextOptions & { category?: 'peer' } = {},
): string {
  const delivery: PendingDelivery = {
    sender,
    message,
    id: options.id ?? `3EB0${newStanzaId()}`,
    timestamp: unixNow(),
    addressing: options.addressing ?? 'pn',
    ...(options.category ? { category: options.category } : {}),
  };
  for (const companion of recipient.companions.values()) {
    if (companion.removed) continue;
    if (companion.connection?.companion === companion && companion.connection.isOpen) {
      enqueue(ctx, companion, () => deliver(ctx, companion, delivery, false));
    } else {
      companion.offlineQueue.push(delivery);
    }
  }
  return delivery.id;
}

/** Pending this long, a delivery or a client's message is reported (`stalled`). */
export const STALL_REPORT_MS = 10_000;

/** `work`, reported as `what` if it has not settled after STALL_REPORT_MS. */
export function watched<T>(ctx: FakeContext, what: string, work: () => Promise<T>): Promise<T> {
  const timer = setTimeout(() => ctx.events.emit('stalled', what), STALL_REPORT_MS);
  timer.unref();
  return work().finally(() => clearTimeout(timer));
}

export function enqueue(ctx: FakeContext, companion: Companion, task: () => Promise<void>): Promise<void> {
  const what = `delivery to ${companionJid(companion)}`;
  companion.deliveryChain = companion.deliveryChain
    .then(() => watched(ctx, what, task))
    .catch((err: unknown) => {
      ctx.events.emit('decrypt-error', err instanceof Error ? err : new Error(String(err)));
    });
  return companion.deliveryChain;
}

async function deliver(ctx: FakeContext, companion: Companion, delivery: PendingDelivery, offline: boolean) {
  const connection = companion.connection;
  if (!connection?.isOpen) {
    companion.offlineQueue.push(delivery);
    return;
  }
  const node = await encryptFor(companion, delivery);
  if (offline) node.attrs.offline = '1';
  companion.unreceipted.set(delivery.id, { node, connection, delivery });
  connection.send(node);
  const type = Array.isArray(node.content) ? (node.content[0]?.attrs.type ?? '') : '';
  ctx.events.emit('message-delivered', companionJid(companion), delivery.id, type, offline);
}

export async function encryptFor(companion: Companion, delivery: PendingDelivery): Promise<BinaryNode> {
  const { sender } = delivery;
  const release = silenceLibsignalConsole();
  try {
    const name = companion.user.pn;
    if (!sender.primary.hasSession(name, companion.device)) {
      await sender.primary.startSession(name, companion.device, takeCompanionBundle(companion));
    }
    const bytes = proto.Message.encode(delivery.message).finish();
    const { type, ciphertext } = await sender.primary.encrypt(name, companion.device, bytes);
    const attrs: Record<string, string> =
      delivery.addressing === 'lid'
        ? { from: lidJid(sender.lid), sender_pn: pnJid(sender.pn), addressing_mode: 'lid' }
        : { from: pnJid(sender.pn), sender_lid: lidJid(sender.lid) };
    return {
      tag: 'message',
      attrs: {
        ...attrs,
        id: delivery.id,
        t: String(delivery.timestamp),
        type: 'text',
        notify: sender.name,
        ...(delivery.category ? { category: delivery.category } : {}),
      },
      content: [{ tag: 'enc', attrs: { v: '2', type }, content: ciphertext }],
    };
  } finally {
    release();
  }
}

/** Sends an unreceipted stanza again on the companion's current connection, flagged offline. */
function redeliver(ctx: FakeContext, companion: Companion, entry: UnreceiptedMessage): Promise<void> {
  return enqueue(ctx, companion, async () => {
    const connection = companion.connection;
    if (!connection?.isOpen) return;
    entry.connection = connection;
    connection.send({ ...entry.node, attrs: { ...entry.node.attrs, offline: '1' } });
  });
}

/** A connection closed: what it was sent and never receipted goes to the device's newer connection, if any. */
export function redeliverFromClosed(ctx: FakeContext, companion: Companion, closed: FakeConnection): void {
  const current = companion.connection;
  if (!current?.isOpen || current === closed) return;
  for (const entry of companion.unreceipted.values()) {
    if (entry.connection === closed) void redeliver(ctx, companion, entry);
  }
  redeliverRetryReceipts(companion);
}

/** Sends what piled up while the companion was away, flagged offline, before `<ib><offline/>`. */
export async function deliverOfflineQueue(ctx: FakeContext, companion: Companion): Promise<number> {
  // First what an earlier connection was sent but never receipted: the same stanza again.
  const unreceipted = [...companion.unreceipted.values()];
  for (const entry of unreceipted) await redeliver(ctx, companion, entry);
  const queued = companion.offlineQueue.splice(0);
  for (const delivery of queued) {
    await enqueue(ctx, companion, () => deliver(ctx, companion, delivery, true));
  }
  // And the retry receipts it never acked (it was sending the message again when the socket went).
  const retries = redeliverRetryReceipts(companion);
  return queued.length + unreceipted.length + retries;
}

/** A `<message>` from a Baileys client: each simulated recipient device decrypts its copy; then ack. */
export async function onClientMessage(
  ctx: FakeContext,
  connection: FakeConnection,
  node: BinaryNode,
): Promise<void> {
  const sender = connection.companion;
  const to = node.attrs.to ?? '';
  const id = node.attrs.id ?? '';
  if (sender) {
    const participants = getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to');
    const copies = participants.length
      ? participants.map((p) => ({ jid: p.attrs.jid ?? '', enc: getBinaryNodeChild(p, 'enc') }))
      : [{ jid: to, enc: getBinaryNodeChild(node, 'enc') }];
    // Not through watched(): its extra promise hop would let the ack trail the copies' delivery events.
    const stalled = setTimeout(
      () => ctx.events.emit('stalled', `message ${id} from ${companionJid(sender)}`),
      STALL_REPORT_MS,
    );
    stalled.unref();
    try {
      for (const { jid, enc } of copies) await decryptCopy(ctx, sender, { id, to, jid, enc });
    } finally {
      clearTimeout(stalled);
    }
  }
  connection.send({ tag: 'ack', attrs: { class: 'message', id, from: to, t: String(unixNow()) } });
  ctx.events.emit('message-acked', id);
}

async function decryptCopy(
  ctx: FakeContext,
  sender: Companion,
  copy: { id: string; to: string; jid: string; enc: BinaryNode | undefined },
): Promise<void> {
  const address = parseUserJid(copy.jid);
  const recipient = address ? ctx.world.userAt(address) : undefined;
  const type = copy.enc?.attrs.type;
  if (address?.device !== 0 || !recipient || !(copy.enc?.content instanceof Uint8Array)) return;
  if (type !== 'pkmsg' && type !== 'msg') return;
  let plaintext: Uint8Array;
  try {
    plaintext = await recipient.primary.decrypt(sender.user.pn, sender.device, type, copy.enc.content);
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    if (!requestRetry(ctx, sender, recipient, copy.id, error)) ctx.events.emit('decrypt-error', error);
    return;
  }
  try {
    const decoded = proto.Message.decode(plaintext);
    const deviceSent = Boolean(decoded.deviceSentMessage);
    const message = decoded.deviceSentMessage?.message ?? decoded;
    // WhatsApp drops a message id it already delivered to the chat (a sender re-sending after a crash); decrypted first so the ratchet moves on.
    const chat = sender.user.pn;
    if (
      recipient.inbox.some(
        (m) => m.id === copy.id && m.deviceSent === deviceSent && m.from.split(/[:@]/)[0] === chat,
      )
    ) {
      ctx.events.emit('message-duplicate', recipient.pn, copy.id);
      return;
    }
    // Fetched and checked before the entry is visible, so a test waiting for it sees the outcome.
    const media = await receiveMedia(ctx, message);
    const received: ReceivedMessage = {
      id: copy.id,
      from: companionJid(sender),
      to: copy.to,
      text: message.conversation ?? message.extendedTextMessage?.text ?? undefined,
      message,
      deviceSent,
      encType: type,
      ...(media ? { media } : {}),
    };
    recipient.inbox.push(received);
    ctx.events.emit('message-received', recipient.pn, received);
  } catch (err) {
    ctx.events.emit('decrypt-error', err instanceof Error ? err : new Error(String(err)));
  }
}

/** A receipt a client sent for a message it got: record it and ack it. */
export function onClientReceipt(ctx: FakeContext, connection: FakeConnection, node: BinaryNode): void {
  const list =
    node.content && Array.isArray(node.content) ? node.content.find((c) => c.tag === 'list') : undefined;
  const items = list && Array.isArray(list.content) ? list.content : [];
  const id = node.attrs.id ?? '';
  const receipt = {
    id,
    ids: [id, ...items.map((item) => item.attrs.id ?? '').filter((i) => i !== '')],
    from: connection.companion ? companionJid(connection.companion) : '',
    to: node.attrs.to ?? '',
    type: node.attrs.type,
  };
  ctx.receipts.push(receipt);
  const companion = connection.companion;
  // A retry receipt asks for the message again: it is not a delivery.
  if (companion && node.attrs.type !== 'retry')
    for (const covered of receipt.ids) companion.unreceipted.delete(covered);
  ctx.events.emit('client-receipt', receipt);
  const ack: BinaryNode = { tag: 'ack', attrs: { class: 'receipt', id: receipt.id, from: receipt.to } };
  if (node.attrs.type) ack.attrs.type = node.attrs.type;
  connection.send(ack);
}

/** A delivery (`type` undefined), `read` or `played` (voice note heard) receipt from `contact` for messages a companion sent. */
export function sendReceiptToClients(
  contact: FakeUser,
  recipient: FakeUser,
  ids: string[],
  type?: 'read' | 'played',
): number {
  const [first, ...rest] = ids;
  if (!first) return 0;
  let sent = 0;
  for (const companion of recipient.companions.values()) {
    const connection = companion.connection;
    if (!connection?.isOpen) continue;
    connection.send({
      tag: 'receipt',
      attrs: { from: pnJid(contact.pn), id: first, t: String(unixNow()), ...(type ? { type } : {}) },
      content: rest.length
        ? [{ tag: 'list', attrs: {}, content: rest.map((id) => ({ tag: 'item', attrs: { id } })) }]
        : undefined,
    });
    sent += 1;
  }
  return sent;
}

/**
 * `sender` drops its sessions with `recipient`'s devices and starts fresh ones from new bundles
 * (a reinstall): its next message is a pkmsg that makes the clients close their old session.
 */
export async function resetSessions(ctx: FakeContext, sender: FakeUser, recipient: FakeUser): Promise<void> {
  const tasks = [...recipient.companions.values()]
    .filter((companion) => !companion.removed)
    .map((companion) =>
      enqueue(ctx, companion, async () => {
        const release = silenceLibsignalConsole();
        try {
          await sender.primary.startSession(
            companion.user.pn,
            companion.device,
            takeCompanionBundle(companion),
          );
        } finally {
          release();
        }
      }),
    );
  await Promise.all(tasks);
}
