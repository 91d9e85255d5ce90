import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import type { ReceivedMedia } from './contact-media.ts';
import type { FakeContext } from './context.ts';
import { lidJid, pnJid } from './jids.ts';
import type { Companion, FakeUser } from './world.ts';

export type GroupAddressing = 'lid' | 'pn';
export type GroupRole = 'superadmin' | 'admin' | undefined;

/** A `SenderKeyRecord` (Baileys' Signal/Group classes) as JSON with BufferJSON, as Baileys stores one. */
export type SerializedSenderKey = string;

export interface GroupMember {
  readonly user: FakeUser;
  role: GroupRole;
}

/** A group on the fake: who is in it and every member's sender-key store. */
export interface FakeGroup {
  /** The id without `@g.us`, as `<group id>` carries it. */
  readonly id: string;
  readonly jid: string;
  subject: string;
  readonly creator: FakeUser;
  readonly creation: number;
  readonly addressing: GroupAddressing;
  readonly members: Map<string, GroupMember>;
  /** Per member PN: sender-key records by `senderDeviceJid` (what it can decrypt), kept after removal. */
  readonly senderKeys: Map<string, Map<string, SerializedSenderKey>>;
  /** Per member PN: the companion JIDs that already have this member's own sender key. */
  readonly distributed: Map<string, Set<string>>;
}

/** What a member decrypted from a group message a Baileys client sent. */
export interface GroupReceived {
  id: string;
  group: string;
  /** The sending companion, e.g. `15550001111:1@s.whatsapp.net`. */
  from: string;
  text: string | undefined;
  message: proto.IMessage;
  /** Media in the message: fetched from the fake's media host, checked and decrypted (as for 1:1). */
  media?: ReceivedMedia;
}

/** The `skmsg` of a group message a client sent, kept so a test can try an old key state on it. */
export interface SentGroupCiphertext {
  id: string;
  group: string;
  senderDevice: string;
  skmsg: Buffer;
}

export interface GroupEvents {
  'group-message-received': [pn: string, message: GroupReceived];
  /** A member could not decrypt a client's group message (e.g. it never got the sender key). */
  'group-undecryptable': [pn: string, id: string, error: Error];
  'group-notified': [group: string, action: string, pns: string[]];
  /** A client asked for a member's group message again (`<receipt type=retry>`). */
  'group-retry': [group: string, id: string, companion: string];
}

export interface GroupState {
  readonly events: EventEmitter<GroupEvents>;
  readonly groups: Map<string, FakeGroup>;
  readonly inboxes: Map<string, GroupReceived[]>;
  readonly ciphertexts: Map<string, SentGroupCiphertext>;
  /** What members sent, by id: a retry receipt gets the same message again with the SKDM. */
  readonly memberSends: Map<string, { group: FakeGroup; member: FakeUser; message: proto.IMessage }>;
  /** Group notifications withheld from a user's linked devices (by PN) until the test releases them. */
  readonly heldNotifications: Map<string, Array<{ companion: Companion; node: BinaryNode }>>;
}

const states = new WeakMap<FakeContext, GroupState>();

/** The fake's groups live beside its context (one registry per fake server). */
export function groupState(ctx: FakeContext): GroupState {
  let state = states.get(ctx);
  if (!state) {
    state = {
      events: new EventEmitter<GroupEvents>().setMaxListeners(0),
      groups: new Map(),
      inboxes: new Map(),
      ciphertexts: new Map(),
      memberSends: new Map(),
      heldNotifications: new Map(),
    };
    states.set(ctx, state);
  }
  return state;
}

export class GroupError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

export function newGroup(
  state: GroupState,
  options: { subject: string; creator: FakeUser; participants: FakeUser[]; addressing: GroupAddressing },
): FakeGroup {
  let id = '';
  do id = `1203630${randomInt(10_000_000, 99_999_999)}${randomInt(10_000, 99_999)}`;
  while (state.groups.has(`${id}@g.us`));
  const group: FakeGroup = {
    id,
    jid: `${id}@g.us`,
    subject: options.subject,
    creator: options.creator,
    creation: unixNow(),
    addressing: options.addressing,
    members: new Map([[options.creator.pn, { user: options.creator, role: 'superadmin' }]]),
    senderKeys: new Map(),
    distributed: new Map(),
  };
  for (const user of options.participants) {
    if (!group.members.has(user.pn)) group.members.set(user.pn, { user, role: undefined });
  }
  state.groups.set(group.jid, group);
  return group;
}

/** How a member is named in this group's stanzas: its LID in a lid group, else its PN. */
export function memberJid(group: FakeGroup, user: FakeUser): string {
  return group.addressing === 'lid' ? lidJid(user.lid) : pnJid(user.pn);
}

/** The other form of the member's address (`participant_pn` or `participant_lid`). */
export function memberAltAttrs(group: FakeGroup, user: FakeUser): Record<string, string> {
  return group.addressing === 'lid'
    ? { participant_pn: pnJid(user.pn) }
    : { participant_lid: lidJid(user.lid) };
}

export function participantNode(group: FakeGroup, user: FakeUser, role?: GroupRole): BinaryNode {
  const attrs: Record<string, string> =
    group.addressing === 'lid'
      ? { jid: lidJid(user.lid), phone_number: pnJid(user.pn) }
      : { jid: pnJid(user.pn), lid: lidJid(user.lid) };
  if (role) attrs.type = role;
  return { tag: 'participant', attrs };
}

/** `<group>` as w:g2 answers it (id without `@g.us`). */
export function groupNode(group: FakeGroup): BinaryNode {
  const creator = memberJid(group, group.creator);
  return {
    tag: 'group',
    attrs: {
      id: group.id,
      subject: group.subject,
      s_t: String(group.creation),
      s_o: creator,
      creation: String(group.creation),
      creator,
      addressing_mode: group.addressing,
      size: String(group.members.size),
    },
    content: [...group.members.values()].map((m) => participantNode(group, m.user, m.role)),
  };
}
