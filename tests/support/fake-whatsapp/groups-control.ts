import type { GroupAddressing } from './groups-model.ts';
import type { ParticipantAction } from './groups-notify.ts';
import type { FakeWhatsApp } from './server.ts';

type Json = Record<string, unknown>;
type GroupRoute = (fake: FakeWhatsApp, body: Json, params: string[]) => unknown | Promise<unknown>;

/** A control request the group routes refuse; `status` is the HTTP answer. */
export class GroupControlError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

function text(body: Json, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || !value) throw new GroupControlError(400, `${key} is required`);
  return value;
}

function strings(body: Json, key: string): string[] {
  const value = body[key];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new GroupControlError(400, `${key} must be an array of strings`);
  return value;
}

function known(fake: FakeWhatsApp, jid: string): string {
  if (!fake.groups.get(jid)) throw new GroupControlError(404, `unknown group ${jid}`);
  return jid;
}

const ACTIONS: readonly ParticipantAction[] = ['add', 'remove', 'promote', 'demote'];

/** The fake's groups over the control API (process mode): create, read, member messages, changes, receipts. */
export const GROUP_CONTROL_ROUTES: Array<[method: string, pattern: RegExp, route: GroupRoute]> = [
  [
    'POST',
    /^\/groups$/,
    (fake, body) => {
      const addressing = (body.addressing ?? 'lid') as GroupAddressing;
      if (addressing !== 'lid' && addressing !== 'pn')
        throw new GroupControlError(400, 'addressing must be lid or pn');
      return fake.groups.create({
        subject: text(body, 'subject'),
        creator: text(body, 'creator'),
        participants: strings(body, 'participants'),
        addressing,
      });
    },
  ],
  ['GET', /^\/groups\/([^/]+)$/, (fake, _b, [jid]) => fake.groups.get(known(fake, jid ?? ''))],
  [
    'POST',
    /^\/groups\/([^/]+)\/messages$/,
    async (fake, body, [jid]) => ({
      id: await fake.groups.sendText(known(fake, jid ?? ''), text(body, 'from'), text(body, 'text')),
    }),
  ],
  [
    'POST',
    /^\/groups\/([^/]+)\/participants$/,
    (fake, body, [jid]) => {
      const action = text(body, 'action') as ParticipantAction;
      if (!ACTIONS.includes(action))
        throw new GroupControlError(400, `action must be one of ${ACTIONS.join(', ')}`);
      fake.groups.changeParticipants(
        known(fake, jid ?? ''),
        text(body, 'actor'),
        action,
        strings(body, 'participants'),
      );
      return fake.groups.get(jid ?? '');
    },
  ],
  [
    'POST',
    /^\/groups\/([^/]+)\/receipts$/,
    (fake, body, [jid]) => ({
      sent: fake.groups.sendReceipt(
        known(fake, jid ?? ''),
        text(body, 'from'),
        text(body, 'to'),
        strings(body, 'ids'),
        body.type === 'read' ? 'read' : undefined,
      ),
    }),
  ],
  [
    'GET',
    /^\/users\/([^/]+)\/group-inbox$/,
    (fake, _b, [pn]) =>
      fake.groups.inbox(pn ?? '').map(({ id, group, from, text }) => ({ id, group, from, text })),
  ],
];
