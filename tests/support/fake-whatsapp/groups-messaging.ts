import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren, proto } from '@whiskeysockets/baileys';
import { type FakeConnection, newStanzaId } from './connection.ts';
import { receiveMedia } from './contact-media.ts';
import type { FakeContext } from './context.ts';
import { decryptGroup, encryptGroup, processDistribution } from './groups-crypto.ts';
import {
  type FakeGroup,
  type GroupReceived,
  type GroupState,
  groupState,
  memberAltAttrs,
  memberJid,
  type SerializedSenderKey,
} from './groups-model.ts';
import { parseUserJid } from './jids.ts';
import { silenceLibsignalConsole } from './quiet-libsignal.ts';
import { type Companion, companionJid, type FakeUser, takeCompanionBundle } from './world.ts';

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export function memberRecords(group: FakeGroup, pn: string): Map<string, SerializedSenderKey> {
  let records = group.senderKeys.get(pn);
  if (!records) {
    records = new Map();
    group.senderKeys.set(pn, records);
  }
  return records;
}

/**
 * A group `<message>` from a Baileys client: every `<to>` copy for a simulated device 0 is
 * decrypted (an SKDM, stored in that member's sender-key store), then every current member
 * decrypts the `skmsg` with what its store holds; the skmsg is kept for snapshot tests.
 */
export async function onClientGroupMessage(
  ctx: FakeContext,
  connection: FakeConnection,
  node: BinaryNode,
): Promise<void> {
  const state = groupState(ctx);
  const sender = connection.companion;
  const to = node.attrs.to ?? '';
  const id = node.attrs.id ?? '';
  const group = state.groups.get(to);
  const skmsg = getBinaryNodeChildren(node, 'enc').find((e) => e.attrs.type === 'skmsg')?.content;
  const release = silenceLibsignalConsole();
  try {
    // WhatsApp relays nothing from a non-member (its ack for one is not measured: the fake acks plainly).
    if (sender && group?.members.has(sender.user.pn) && skmsg instanceof Uint8Array) {
      const senderDevice = companionJid(sender);
      for (const copy of getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')) {
        await receiveDistribution(ctx, group, sender, copy);
      }
      state.ciphertexts.set(id, { id, group: group.jid, senderDevice, skmsg: Buffer.from(skmsg) });
      for (const { user } of group.members.values()) {
        await decryptForMember(ctx, state, group, user, { id, senderDevice, skmsg });
      }
    }
  } finally {
    release();
  }
  connection.send({ tag: 'ack', attrs: { class: 'message', id, from: to, t: String(unixNow()) } });
  ctx.events.emit('message-acked', id);
}

async function receiveDistribution(
  ctx: FakeContext,
  group: FakeGroup,
  sender: Companion,
  copy: BinaryNode,
): Promise<void> {
  const address = parseUserJid(copy.attrs.jid);
  const recipient = address ? ctx.world.userAt(address) : undefined;
  const enc = getBinaryNodeChild(copy, 'enc');
  const type = enc?.attrs.type;
  // Companions (the sender's own included) are Baileys clients: the fake only plays device 0.
  if (address?.device !== 0 || !recipient || !(enc?.content instanceof Uint8Array)) return;
  if (type !== 'pkmsg' && type !== 'msg') return;
  try {
    const plaintext = await recipient.primary.decrypt(sender.user.pn, sender.device, type, enc.content);
    const skdm = proto.Message.decode(plaintext).senderKeyDistributionMessage;
    if (skdm?.axolotlSenderKeyDistributionMessage) {
      const records = memberRecords(group, recipient.pn);
      await processDistribution(
        records,
        group.jid,
        companionJid(sender),
        skdm.axolotlSenderKeyDistributionMessage,
      );
    }
  } catch (err) {
    ctx.events.emit('decrypt-error', asError(err));
  }
}

async function decryptForMember(
  ctx: FakeContext,
  state: GroupState,
  group: FakeGroup,
  user: FakeUser,
  sent: { id: string; senderDevice: string; skmsg: Uint8Array },
): Promise<void> {
  try {
    const plaintext = await decryptGroup(
      memberRecords(group, user.pn),
      group.jid,
      sent.senderDevice,
      sent.skmsg,
    );
    const message = proto.Message.decode(plaintext);
    // Fetched and checked like a contact's 1:1 media, before the entry is visible.
    const media = await receiveMedia(ctx, message);
    const received: GroupReceived = {
      id: sent.id,
      group: group.jid,
      from: sent.senderDevice,
      text: message.conversation ?? message.extendedTextMessage?.text ?? undefined,
      message,
      ...(media ? { media } : {}),
    };
    let inbox = state.inboxes.get(user.pn);
    if (!inbox) {
      inbox = [];
      state.inboxes.set(user.pn, inbox);
    }
    inbox.push(received);
    state.events.emit('group-message-received', user.pn, received);
  } catch (err) {
    state.events.emit('group-undecryptable', user.pn, sent.id, asError(err));
  }
}

/** The SKDM, 1:1-encrypted from the member's device 0 to one companion. */
async function distributionEnc(
  member: FakeUser,
  companion: Companion,
  group: FakeGroup,
  skdm: Uint8Array,
): Promise<BinaryNode> {
  const name = companion.user.pn;
  if (!member.primary.hasSession(name, companion.device)) {
    await member.primary.startSession(name, companion.device, takeCompanionBundle(companion));
  }
  const bytes = proto.Message.encode({
    senderKeyDistributionMessage: { groupId: group.jid, axolotlSenderKeyDistributionMessage: skdm },
  }).finish();
  const { type, ciphertext } = await member.primary.encrypt(name, companion.device, bytes);
  return { tag: 'enc', attrs: { v: '2', type }, content: ciphertext };
}

export interface GroupSendOptions {
  id?: string;
  /** Leave the SKDM out even where the device lacks it (provokes a retry receipt). */
  withoutDistribution?: boolean;
}

/**
 * `member`'s device 0 sends `message` to the group: each connected linked device of the other
 * members gets `<message from=GID participant=…>` with the member's SKDM in a 1:1 enc (until that
 * device has it) and the skmsg. Offline devices get nothing (not modelled).
 */
export async function sendGroupMessage(
  ctx: FakeContext,
  group: FakeGroup,
  member: FakeUser,
  message: proto.IMessage,
  options: GroupSendOptions = {},
): Promise<string> {
  const id = options.id ?? `3EB0${newStanzaId()}`;
  groupState(ctx).memberSends.set(id, { group, member, message });
  const deliveries: Promise<void>[] = [];
  for (const { user } of group.members.values()) {
    if (user === member) continue;
    for (const companion of user.companions.values()) {
      if (companion.removed || !companion.connection?.isOpen) continue;
      deliveries.push(deliverToCompanion(ctx, group, member, companion, { id, message, ...options }));
    }
  }
  await Promise.all(deliveries);
  return id;
}

/** A client could not decrypt a member's message: that device gets it again, with the SKDM. */
export async function onGroupRetry(
  ctx: FakeContext,
  connection: FakeConnection,
  node: BinaryNode,
): Promise<void> {
  const companion = connection.companion;
  const sent = groupState(ctx).memberSends.get(node.attrs.id ?? '');
  if (!companion || !sent) return;
  groupState(ctx).events.emit('group-retry', sent.group.jid, node.attrs.id ?? '', companionJid(companion));
  sent.group.distributed.get(sent.member.pn)?.delete(companionJid(companion));
  await deliverToCompanion(ctx, sent.group, sent.member, companion, {
    id: node.attrs.id ?? '',
    message: sent.message,
  });
}

function deliverToCompanion(
  ctx: FakeContext,
  group: FakeGroup,
  member: FakeUser,
  companion: Companion,
  send: GroupSendOptions & { id: string; message: proto.IMessage },
): Promise<void> {
  const jid = companionJid(companion);
  const task = async () => {
    const release = silenceLibsignalConsole();
    try {
      const distributed = group.distributed.get(member.pn) ?? new Set<string>();
      group.distributed.set(member.pn, distributed);
      const records = memberRecords(group, member.pn);
      const bytes = proto.Message.encode(send.message).finish();
      const { skdm, skmsg } = await encryptGroup(records, group.jid, bytes);
      const withKey = !send.withoutDistribution && !distributed.has(jid);
      const content: BinaryNode[] = [];
      if (withKey) content.push(await distributionEnc(member, companion, group, skdm));
      content.push({ tag: 'enc', attrs: { v: '2', type: 'skmsg' }, content: Buffer.from(skmsg) });
      if (withKey) distributed.add(jid);
      companion.connection?.send(groupStanza(group, member, send.id, content));
    } finally {
      release();
    }
  };
  companion.deliveryChain = companion.deliveryChain.then(task).catch((err: unknown) => {
    ctx.events.emit('decrypt-error', asError(err));
  });
  return companion.deliveryChain;
}

function groupStanza(group: FakeGroup, member: FakeUser, id: string, content: BinaryNode[]): BinaryNode {
  return {
    tag: 'message',
    attrs: {
      from: group.jid,
      participant: memberJid(group, member),
      ...memberAltAttrs(group, member),
      addressing_mode: group.addressing,
      id,
      t: String(unixNow()),
      type: 'text',
      notify: member.name,
    },
    content,
  };
}

/** `<receipt from=GID participant=M id [type=read]>` from `member` to `to`'s linked devices. */
export function sendGroupReceipt(
  group: FakeGroup,
  member: FakeUser,
  to: FakeUser,
  ids: string[],
  type?: 'read',
): number {
  const [first, ...rest] = ids;
  if (!first) return 0;
  let sent = 0;
  for (const companion of to.companions.values()) {
    if (companion.removed || !companion.connection?.isOpen) continue;
    companion.connection.send({
      tag: 'receipt',
      attrs: {
        from: group.jid,
        participant: memberJid(group, member),
        id: first,
        t: String(unixNow()),
        ...(type ? { type } : {}),
      },
      content: rest.length
        ? [{ tag: 'list', attrs: {}, content: rest.map((item) => ({ tag: 'item', attrs: { id: item } })) }]
        : undefined,
    });
    sent += 1;
  }
  return sent;
}
