import type { BinaryNode } from '@whiskeysockets/baileys';
import { newStanzaId } from './connection.ts';
import type { FakeContext } from './context.ts';
import { type FakeGroup, groupState, memberAltAttrs, memberJid, participantNode } from './groups-model.ts';
import type { Companion, FakeUser } from './world.ts';

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';

/** Every connected linked device (device ≥ 1) of the group's members. */
export function memberCompanions(group: FakeGroup): Companion[] {
  return [...group.members.values()].flatMap(({ user }) =>
    [...user.companions.values()].filter((c) => !c.removed && c.connection?.isOpen),
  );
}

/** `<notification type=w:gp2>` to every member's linked devices: Baileys emits `group-participants.update`. */
export function notifyParticipants(
  ctx: FakeContext,
  group: FakeGroup,
  actor: FakeUser,
  action: ParticipantAction,
  users: FakeUser[],
): void {
  const node: BinaryNode = {
    tag: 'notification',
    attrs: {
      from: group.jid,
      type: 'w:gp2',
      id: newStanzaId(),
      t: String(Math.floor(Date.now() / 1000)),
      participant: memberJid(group, actor),
      ...memberAltAttrs(group, actor),
      addressing_mode: group.addressing,
      notify: actor.name,
    },
    content: [
      {
        tag: action,
        attrs: {},
        content: users.map((user) => participantNode(group, user)),
      },
    ],
  };
  const held = groupState(ctx).heldNotifications;
  for (const companion of memberCompanions(group)) {
    const queue = held.get(companion.user.pn);
    if (queue) queue.push({ companion, node });
    else companion.connection?.send(node);
  }
  groupState(ctx).events.emit(
    'group-notified',
    group.jid,
    action,
    users.map((u) => u.pn),
  );
}

/**
 * Withholds group notifications from `user`'s linked devices (WhatsApp may
 * deliver one late, e.g. after a reconnect); the returned function sends what
 * was held, in order, to the devices still connected.
 */
export function holdNotifications(ctx: FakeContext, user: FakeUser): () => void {
  const held = groupState(ctx).heldNotifications;
  const queue: Array<{ companion: Companion; node: BinaryNode }> = [];
  held.set(user.pn, queue);
  return () => {
    if (held.get(user.pn) === queue) held.delete(user.pn);
    for (const { companion, node } of queue.splice(0)) {
      if (!companion.removed && companion.connection?.isOpen) companion.connection.send(node);
    }
  };
}
