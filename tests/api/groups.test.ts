import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GroupInfo } from '#commons/domain/groups.ts';
import {
  GroupForbiddenError,
  GroupNotFoundError,
  GroupRequestRefusedError,
  HostUnreachableError,
  SessionNotConnectedError,
} from '#commons/errors/app-errors.ts';
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';

const GROUP = '120363025246125888@g.us';
const INFO: GroupInfo = {
  jid: GROUP,
  subject: 'Support',
  addressingMode: 'lid',
  size: 2,
  participants: [
    { jid: '201651282282156@lid', phoneNumberJid: '4915123456789@s.whatsapp.net', role: 'superadmin' },
    { jid: '201651282282157@lid', phoneNumberJid: '4915123456780@s.whatsapp.net' },
  ],
};

let h: ApiHarness;
let token: string;
let sessionId: string;
beforeAll(async () => {
  h = await createApiHarness('groups');
  token = await h.adminToken('acme');
  await h.putHost({ hostId: 'h-groups', expiresAt: 4_000_000_000 });
  sessionId = await h.createSession(token);
  expect((await h.request('POST', `/v1/sessions/${sessionId}/start`, { token })).status).toBe(202);
  await h.hostWrites(sessionId, { status: 'CONNECTED', epoch: 1 });
});
afterAll(() => h.destroy());
beforeEach(() => {
  h.hostClient.calls.length = 0;
  h.hostClient.onGroup = async (command) => {
    if (command.op === 'list') return { groups: [INFO] };
    if (command.op === 'participants')
      return { participants: command.participants.map((jid) => ({ jid, outcome: 'done', code: '200' })) };
    if (command.op === 'leave') return { left: true };
    return { group: INFO };
  };
});

const groups = `/v1/sessions/${'{id}'}/groups`;
const path = (suffix = '') => `${groups.replace('{id}', sessionId ?? '')}${suffix}`;
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const groupCalls = () => h.hostClient.callsOf('group').map((c) => c.group);

describe('group routes', () => {
  it('lists the groups and reads one through the owning host', async () => {
    const list = await h.request('GET', path(), { token });
    const read = await h.request('GET', path(`/${GROUP}`), { token });

    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ groups: [INFO] });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(INFO);
    expect(groupCalls()).toEqual([{ op: 'list' }, { op: 'read', group: GROUP }]);
  });

  it('creates, adds, removes and leaves with the commands the host takes', async () => {
    const created = await h.request('POST', path(), {
      token,
      body: { subject: 'Orders', participants: ['4915123456789', '201651282282156@lid'] },
    });
    const added = await h.request('POST', path(`/${GROUP}/participants`), {
      token,
      body: { add: ['+4915123456789'] },
    });
    const removed = await h.request('POST', path(`/${GROUP}/participants`), {
      token,
      body: { remove: ['4915123456780@s.whatsapp.net'] },
    });
    const left = await h.request('POST', path(`/${GROUP}/leave`), { token });

    expect([created.status, added.status, removed.status, left.status]).toEqual([201, 200, 200, 200]);
    expect(await left.json()).toEqual({ left: true });
    expect(groupCalls()).toEqual([
      { op: 'create', subject: 'Orders', participants: ['4915123456789', '201651282282156@lid'] },
      { op: 'participants', group: GROUP, action: 'add', participants: ['+4915123456789'] },
      { op: 'participants', group: GROUP, action: 'remove', participants: ['4915123456780@s.whatsapp.net'] },
      { op: 'leave', group: GROUP },
    ]);
  });

  it.each([
    ['a group JID that is not one', 'GET', '/4915123456789@s.whatsapp.net', undefined],
    ['an empty subject', 'POST', '', { subject: ' ', participants: ['4915123456789'] }],
    ['no participants', 'POST', '', { subject: 'x', participants: [] }],
    ['a device JID', 'POST', '', { subject: 'x', participants: ['4915123456789:2@s.whatsapp.net'] }],
    ['an unknown field', 'POST', '', { subject: 'x', participants: ['4915123456789'], admin: true }],
    [
      'both add and remove',
      'POST',
      `/${GROUP}/participants`,
      { add: ['4915123456789'], remove: ['4915123456780'] },
    ],
    ['neither add nor remove', 'POST', `/${GROUP}/participants`, {}],
    [
      'more participants than one call takes',
      'POST',
      `/${GROUP}/participants`,
      { add: Array.from({ length: 51 }, (_, i) => `49151234${String(i).padStart(5, '0')}`) },
    ],
  ] as const)(
    'refuses %s with 400 VALIDATION_FAILED and asks no host',
    async (_what, method, suffix, body) => {
      const res = await h.request(method, path(suffix), { token, ...(body !== undefined && { body }) });

      expect(res.status).toBe(400);
      expect(await codeOf(res)).toBe('VALIDATION_FAILED');
      expect(groupCalls()).toEqual([]);
    },
  );

  it.each([
    [new GroupForbiddenError('not an admin'), 403, 'GROUP_FORBIDDEN'],
    [new GroupNotFoundError('no such group'), 404, 'GROUP_NOT_FOUND'],
    [new GroupRequestRefusedError('refused'), 422, 'GROUP_REQUEST_REFUSED'],
    [new SessionNotConnectedError('gone'), 409, 'SESSION_NOT_CONNECTED'],
  ])('passes on the host’s refusal %s as %i', async (error, status, code) => {
    h.hostClient.onGroup = async () => {
      throw error;
    };

    const res = await h.request('POST', path(`/${GROUP}/participants`), {
      token,
      body: { remove: ['4915123456780'] },
    });

    expect(res.status).toBe(status);
    expect(await codeOf(res)).toBe(code);
  });

  it('hides another tenant’s session behind 404 SESSION_NOT_FOUND', async () => {
    const other = await h.adminToken('globex');

    const res = await h.request('GET', path(), { token: other });

    expect(res.status).toBe(404);
    expect(await codeOf(res)).toBe('SESSION_NOT_FOUND');
    expect(groupCalls()).toEqual([]);
  });

  it('documents every group route in the OpenAPI document', async () => {
    const doc = (await (await h.request('GET', '/v1/openapi.json')).json()) as {
      paths: Record<string, object>;
    };

    expect(Object.keys(doc.paths['/v1/sessions/{id}/groups'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/v1/sessions/{id}/groups/{groupJid}'] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.paths['/v1/sessions/{id}/groups/{groupJid}/participants'] ?? {})).toEqual([
      'post',
    ]);
    expect(Object.keys(doc.paths['/v1/sessions/{id}/groups/{groupJid}/leave'] ?? {})).toEqual(['post']);
  });
});

describe('the HTTP host client for groups', () => {
  const answering = (status: number, body: unknown) =>
    new HttpHostClient({
      internalToken: 'internal-token-internal-token-0123456789',
      timeoutMs: 1_000,
      fetch: async () => new Response(JSON.stringify(body), { status }),
    });

  it.each([
    [404, 'GROUP_NOT_FOUND', GroupNotFoundError],
    [403, 'GROUP_FORBIDDEN', GroupForbiddenError],
    [422, 'GROUP_REQUEST_REFUSED', GroupRequestRefusedError],
  ])('maps the host’s %i %s to its own error, not to SESSION_NOT_CONNECTED', async (status, code, type) => {
    const client = answering(status, { error: { code, message: 'refused' } });

    await expect(
      client.groupCommand('http://h', 'ses_x', { op: 'read', group: GROUP }),
    ).rejects.toBeInstanceOf(type);
  });

  it('refuses a host answer that is not a group as HOST_UNREACHABLE', async () => {
    const client = answering(200, { group: { jid: GROUP } });

    await expect(
      client.groupCommand('http://h', 'ses_x', { op: 'read', group: GROUP }),
    ).rejects.toBeInstanceOf(HostUnreachableError);
  });
});
