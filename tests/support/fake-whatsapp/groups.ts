import type { EventEmitter } from 'node:events';
import { type BinaryNode, proto } from '@whiskeysockets/baileys';
import type { FakeConnection } from './connection.ts';
import { buildMediaMessage, type SendMediaOptions } from './contact-media.ts';
import type { FakeContext } from './context.ts';
import { decryptGroup } from './groups-crypto.ts';
import { answerGroupIq, applyParticipants } from './groups-iq.ts';
import {
  onClientGroupMessage,
  onGroupRetry,
  sendGroupMessage,
  sendGroupReceipt,
} from './groups-messaging.ts';
import {
  type FakeGroup,
  type GroupAddressing,
  type GroupEvents,
  type GroupReceived,
  type GroupRole,
  groupState,
  newGroup,
  type SerializedSenderKey,
} from './groups-model.ts';
import { holdNotifications, type ParticipantAction } from './groups-notify.ts';
import { lidJid, pnJid } from './jids.ts';
import { waitForEvent } from './wait-for.ts';
import type { FakeUser } from './world.ts';

export type { GroupReceived } from './groups-model.ts';

export interface GroupInfo {
  /** `…@g.us` */
  jid: string;
  subject: string;
  addressing: GroupAddressing;
  creator: string;
  participants: { pn: string; jid: string; lidJid: string; role: GroupRole }[];
}

/** A removed member's (or anyone's) sender-key store at one moment: a copy later messages do not touch. */
export type SenderKeySnapshot = ReadonlyMap<string, SerializedSenderKey>;

export interface FakeGroups {
  readonly events: EventEmitter<GroupEvents>;
  /** A group on the server; `creator` (superadmin) and `participants` are PNs of fake users (a linked account's too). */
  create(options: {
    subject: string;
    creator: string;
    participants: string[];
    addressing?: GroupAddressing;
  }): GroupInfo;
  get(jid: string): GroupInfo | undefined;
  /** `from` (a member's device 0) sends text to the group's linked devices; resolves once on the wire. */
  sendText(
    group: string,
    from: string,
    text: string,
    options?: { id?: string; withoutDistribution?: boolean },
  ): Promise<string>;
  sendMessage(
    group: string,
    from: string,
    message: proto.IMessage,
    options?: { id?: string },
  ): Promise<string>;
  /** `from` sends an image/video/audio/document/sticker to the group (uploaded to the fake's media host first). */
  sendMedia(group: string, from: string, options: SendMediaOptions): Promise<string>;
  /** A member's delivery or read receipt for `ids`, to `to`'s linked devices. */
  sendReceipt(group: string, member: string, to: string, ids: string[], type?: 'read'): number;
  /** A server-side change by `actor` (no admin check): members' linked devices get `w:gp2`. */
  changeParticipants(group: string, actor: string, action: ParticipantAction, pns: string[]): void;
  /** Withholds group notifications from `pn`'s linked devices until the returned function releases them. */
  holdNotifications(pn: string): () => void;
  /** What `pn`'s device 0 decrypted from clients' group messages. */
  inbox(pn: string): GroupReceived[];
  waitForMessage(
    pn: string,
    accept?: (m: GroupReceived) => boolean,
    timeoutMs?: number,
  ): Promise<GroupReceived>;
  /** A copy of `pn`'s sender-key store in the group (kept after it leaves or is removed). */
  senderKeySnapshot(group: string, pn: string): SenderKeySnapshot;
  /** Tries `snapshot` on the skmsg of a message a client sent; throws when it cannot decrypt it. */
  decryptWithSnapshot(snapshot: SenderKeySnapshot, id: string): Promise<string | undefined>;
}

function info(group: FakeGroup): GroupInfo {
  return {
    jid: group.jid,
    subject: group.subject,
    addressing: group.addressing,
    creator: group.creator.pn,
    participants: [...group.members.values()].map(({ user, role }) => ({
      pn: user.pn,
      jid: pnJid(user.pn),
      lidJid: lidJid(user.lid),
      role,
    })),
  };
}

export function createFakeGroups(ctx: FakeContext): FakeGroups {
  const state = groupState(ctx);
  const user = (ref: string): FakeUser => {
    const found = ctx.world.findUser(ref);
    if (!found) throw new Error(`unknown user ${ref}`);
    return found;
  };
  const group = (jid: string): FakeGroup => {
    const found = state.groups.get(jid);
    if (!found) throw new Error(`unknown group ${jid}`);
    return found;
  };
  const member = (g: FakeGroup, pn: string): FakeUser => {
    const found = g.members.get(user(pn).pn)?.user;
    if (!found) throw new Error(`${pn} is not in ${g.jid}`);
    return found;
  };
  return {
    events: state.events,
    create: (options) =>
      info(
        newGroup(state, {
          subject: options.subject,
          creator: user(options.creator),
          participants: options.participants.map(user),
          addressing: options.addressing ?? 'lid',
        }),
      ),
    get: (jid) => {
      const found = state.groups.get(jid);
      return found ? info(found) : undefined;
    },
    sendText: (jid, from, text, options) => {
      const g = group(jid);
      return sendGroupMessage(ctx, g, member(g, from), { conversation: text }, options);
    },
    sendMessage: (jid, from, message, options) => {
      const g = group(jid);
      return sendGroupMessage(ctx, g, member(g, from), message, options);
    },
    async sendMedia(jid, from, options) {
      const g = group(jid);
      const sender = member(g, from);
      const message = await buildMediaMessage(ctx, options);
      return sendGroupMessage(ctx, g, sender, message);
    },
    sendReceipt: (jid, from, to, ids, type) => {
      const g = group(jid);
      return sendGroupReceipt(g, member(g, from), user(to), ids, type);
    },
    changeParticipants: (jid, actor, action, pns) =>
      applyParticipants(ctx, group(jid), user(actor), action, pns.map(user)),
    holdNotifications: (pn) => holdNotifications(ctx, user(pn)),
    inbox: (pn) => state.inboxes.get(user(pn).pn) ?? [],
    async waitForMessage(pn, accept = () => true, timeoutMs = 10_000) {
      const existing = (state.inboxes.get(pn) ?? []).find(accept);
      if (existing) return existing;
      const [, message] = await waitForEvent(
        state.events,
        'group-message-received',
        (to, m) => to === pn && accept(m),
        timeoutMs,
      );
      return message;
    },
    senderKeySnapshot: (jid, pn) => new Map(group(jid).senderKeys.get(user(pn).pn) ?? []),
    async decryptWithSnapshot(snapshot, id) {
      const sent = state.ciphertexts.get(id);
      if (!sent) throw new Error(`no group message ${id}`);
      const plaintext = await decryptGroup(new Map(snapshot), sent.group, sent.senderDevice, sent.skmsg);
      const message = proto.Message.decode(plaintext);
      return message.conversation ?? message.extendedTextMessage?.text ?? undefined;
    },
  };
}

/** Server hooks: `w:g2` IQs, group `<message>`s and retry receipts for members' messages. */
export const groupHooks = {
  iq: (ctx: FakeContext, connection: FakeConnection, iq: BinaryNode): BinaryNode =>
    answerGroupIq(ctx, connection, iq),
  isGroupMessage: (node: BinaryNode): boolean => (node.attrs.to ?? '').endsWith('@g.us'),
  message: (ctx: FakeContext, connection: FakeConnection, node: BinaryNode) =>
    onClientGroupMessage(ctx, connection, node),
  isGroupRetry: (node: BinaryNode): boolean =>
    node.attrs.type === 'retry' && (node.attrs.to ?? '').endsWith('@g.us'),
  retry: (ctx: FakeContext, connection: FakeConnection, node: BinaryNode) =>
    onGroupRetry(ctx, connection, node),
};
