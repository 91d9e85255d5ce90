import { type BinaryNode, getBinaryNodeChildren } from '@whiskeysockets/baileys';
import type { FakeConnection } from './connection.ts';
import type { FakeContext } from './context.ts';
import {
  type FakeGroup,
  GroupError,
  type GroupState,
  groupNode,
  groupState,
  newGroup,
  participantNode,
} from './groups-model.ts';
import { notifyParticipants, type ParticipantAction } from './groups-notify.ts';
import type { FakeUser } from './world.ts';

function children(node: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(node?.content) ? node.content : [];
}

function errorIq(iq: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: iq.attrs.to ?? '@g.us', type: 'error', id: iq.attrs.id ?? '' },
    content: [{ tag: 'error', attrs: { code: String(code), text } }],
  };
}

function groupResult(iq: BinaryNode, content: BinaryNode[]): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: iq.attrs.to ?? '@g.us', type: 'result', id: iq.attrs.id ?? '' },
    content,
  };
}

/** A group the requester is in; 404 when it does not exist, 403 when it is not a member. */
export function memberGroup(state: GroupState, jid: string, requester: FakeUser): FakeGroup {
  const group = state.groups.get(jid);
  if (!group) throw new GroupError(404, 'item-not-found');
  if (!group.members.has(requester.pn)) throw new GroupError(403, 'forbidden');
  return group;
}

const PARTICIPANT_ACTIONS = new Set(['add', 'remove', 'promote', 'demote']);

/** `<iq xmlns=w:g2>` from a client (metadata, participating, create, participants, leave). */
export function answerGroupIq(ctx: FakeContext, connection: FakeConnection, iq: BinaryNode): BinaryNode {
  const requester = connection.companion?.user;
  if (!requester) return errorIq(iq, 401, 'not-authorized');
  const state = groupState(ctx);
  const first = children(iq)[0];
  const to = iq.attrs.to ?? '';
  try {
    if (to === '@g.us') {
      if (first?.tag === 'participating') {
        const groups = [...state.groups.values()].filter((g) => g.members.has(requester.pn));
        return groupResult(iq, [{ tag: 'groups', attrs: {}, content: groups.map(groupNode) }]);
      }
      if (first?.tag === 'create') return groupResult(iq, [groupNode(createFromIq(ctx, requester, first))]);
      if (first?.tag === 'leave') return groupResult(iq, [leaveFromIq(ctx, requester, first)]);
      return errorIq(iq, 400, 'bad-request');
    }
    const group = memberGroup(state, to, requester);
    if (first?.tag === 'query') return groupResult(iq, [groupNode(group)]);
    if (first && PARTICIPANT_ACTIONS.has(first.tag)) {
      const action = first.tag as ParticipantAction;
      return groupResult(iq, [changeParticipants(ctx, group, requester, action, first)]);
    }
    return errorIq(iq, 400, 'bad-request');
  } catch (err) {
    if (err instanceof GroupError) return errorIq(iq, err.code, err.message);
    throw err;
  }
}

function createFromIq(ctx: FakeContext, creator: FakeUser, create: BinaryNode): FakeGroup {
  const participants = getBinaryNodeChildren(create, 'participant')
    .map((p) => ctx.world.findUser(p.attrs.jid ?? ''))
    .filter((u): u is FakeUser => Boolean(u));
  return newGroup(groupState(ctx), {
    subject: create.attrs.subject ?? '',
    creator,
    participants,
    addressing: 'lid',
  });
}

function leaveFromIq(ctx: FakeContext, requester: FakeUser, leave: BinaryNode): BinaryNode {
  const left: BinaryNode[] = [];
  for (const node of getBinaryNodeChildren(leave, 'group')) {
    const jid = (node.attrs.id ?? '').includes('@') ? (node.attrs.id ?? '') : `${node.attrs.id}@g.us`;
    const group = memberGroup(groupState(ctx), jid, requester);
    notifyParticipants(ctx, group, requester, 'remove', [requester]);
    group.members.delete(requester.pn);
    left.push({ tag: 'group', attrs: { id: group.id } });
  }
  return { tag: 'leave', attrs: {}, content: left };
}

/**
 * Only admins change membership (WhatsApp answers 403 to anyone else, which Baileys throws);
 * each participant gets its own status like WhatsApp's (404 unknown, 409 already in, 406 not in).
 */
function changeParticipants(
  ctx: FakeContext,
  group: FakeGroup,
  actor: FakeUser,
  action: ParticipantAction,
  request: BinaryNode,
): BinaryNode {
  if (!group.members.get(actor.pn)?.role) throw new GroupError(403, 'forbidden');
  const answered: BinaryNode[] = [];
  const changed: FakeUser[] = [];
  for (const p of getBinaryNodeChildren(request, 'participant')) {
    const jid = p.attrs.jid ?? '';
    const user = ctx.world.findUser(jid);
    const member = user ? group.members.get(user.pn) : undefined;
    let error: string | undefined;
    if (!user) error = '404';
    else if (action === 'add' && member) error = '409';
    else if (action !== 'add' && !member) error = '406';
    if (user && !error) {
      changed.push(user);
      answered.push(participantNode(group, user));
    } else {
      answered.push({ tag: 'participant', attrs: { jid, error: error ?? '400' } });
    }
  }
  applyParticipants(ctx, group, actor, action, changed);
  return { tag: action, attrs: {}, content: answered };
}

/** Applies a membership change and tells every member's linked devices (removed ones too). */
export function applyParticipants(
  ctx: FakeContext,
  group: FakeGroup,
  actor: FakeUser,
  action: ParticipantAction,
  users: FakeUser[],
): void {
  if (!users.length) return;
  for (const user of users) {
    if (action === 'add') group.members.set(user.pn, { user, role: undefined });
    const member = group.members.get(user.pn);
    if (action === 'promote' && member) member.role = 'admin';
    if (action === 'demote' && member) member.role = undefined;
  }
  notifyParticipants(ctx, group, actor, action, users);
  if (action === 'remove') for (const user of users) group.members.delete(user.pn);
}
