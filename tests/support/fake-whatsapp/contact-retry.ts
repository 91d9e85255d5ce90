import { type BinaryNode, getBinaryNodeChild } from '@whiskeysockets/baileys';
import type { FakeConnection } from './connection.ts';
import { encryptFor, enqueue } from './contact-messaging.ts';
import type { FakeContext } from './context.ts';
import type { PreKeyBundle } from './signal-peer.ts';
import { companionJid } from './world.ts';

/** WhatsApp clients answer a few retry receipts per message, then give up on it. */
export const MAX_DIRECT_RETRIES = 5;

export function isDirectRetry(node: BinaryNode): boolean {
  return node.attrs.type === 'retry' && !(node.attrs.to ?? '').endsWith('@g.us');
}

/**
 * A client could not decrypt a contact's 1:1 message and sent `<receipt
 * type=retry>`. As the contact's phone does, encrypt it again and send it once
 * more: from a new Signal session when the receipt carries the client's key
 * bundle (Baileys adds it from its second retry on), else on the session as it
 * is. Messages already receipted, unknown ids and groups are not answered.
 */
export function onDirectRetry(ctx: FakeContext, connection: FakeConnection, node: BinaryNode): void {
  const companion = connection.companion;
  const entry = companion?.unreceipted.get(node.attrs.id ?? '');
  if (!companion || !entry?.delivery) return;
  const retries = (entry.retries ?? 0) + 1;
  if (retries > MAX_DIRECT_RETRIES) return;
  entry.retries = retries;
  const delivery = entry.delivery;
  const bundle = bundleOf(node);
  // Not awaited: the connection's next frames must not wait behind the device's delivery chain.
  void enqueue(ctx, companion, async () => {
    if (bundle) await delivery.sender.primary.startSession(companion.user.pn, companion.device, bundle);
    const fresh = await encryptFor(companion, delivery);
    if (!connection.isOpen || companion.unreceipted.get(delivery.id) !== entry) return;
    entry.node = fresh;
    entry.connection = connection;
    connection.send(fresh);
    const type = Array.isArray(fresh.content) ? (fresh.content[0]?.attrs.type ?? '') : '';
    ctx.events.emit('message-retried', companionJid(companion), delivery.id, type, retries);
  });
}

function bytes(node: BinaryNode | undefined): Buffer | undefined {
  return node?.content instanceof Uint8Array ? Buffer.from(node.content) : undefined;
}

function keyId(node: BinaryNode | undefined): number | undefined {
  const id = bytes(getBinaryNodeChild(node, 'id'));
  return id?.length ? id.readUIntBE(0, id.length) : undefined;
}

/** The `<keys>` of a retry receipt as a pre-key bundle, or undefined when absent or incomplete. */
function bundleOf(receipt: BinaryNode): PreKeyBundle | undefined {
  const keys = getBinaryNodeChild(receipt, 'keys');
  const registration = bytes(getBinaryNodeChild(receipt, 'registration'));
  const identityKey = bytes(getBinaryNodeChild(keys, 'identity'));
  const skey = getBinaryNodeChild(keys, 'skey');
  const skeyId = keyId(skey);
  const skeyValue = bytes(getBinaryNodeChild(skey, 'value'));
  const signature = bytes(getBinaryNodeChild(skey, 'signature'));
  if (!keys || !registration?.length || !identityKey || skeyId === undefined || !skeyValue || !signature)
    return undefined;
  const key = getBinaryNodeChild(keys, 'key');
  const preKeyId = keyId(key);
  const preKeyValue = bytes(getBinaryNodeChild(key, 'value'));
  return {
    registrationId: registration.readUIntBE(0, registration.length),
    identityKey,
    signedPreKey: { keyId: skeyId, publicKey: skeyValue, signature },
    ...(preKeyId !== undefined && preKeyValue ? { preKey: { keyId: preKeyId, publicKey: preKeyValue } } : {}),
  };
}
