/**
 * Message kinds and chat actions through the public API: replies, reactions,
 * edits, deletions, locations and contact cards ride the send (sync and
 * queued) to the host as one `action` (or `quoted`); read receipts, presence
 * and the contacts check go to the owning host at once. Every bad input is a
 * 400 with a stable code that queues nothing and calls no host.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotOwnMessageError } from '#commons/errors/app-errors.ts';
import { LIMIT_REFUSED_MESSAGE } from '#commons/observability/limit-metrics.ts';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';

const lines: Record<string, unknown>[] = [];
let h: ApiHarness;
let token: string;
const TO = '4915123456789';
const MSG = '3EB0A1B2C3D4E5F6A7B8C9';

beforeAll(async () => {
  const sink = { write: (line: string) => void lines.push(JSON.parse(line)) };
  h = await createApiHarness('message-actions', { log: pino({ level: 'info' }, sink) });
  token = await h.adminToken('acme');
  await h.putHost({ hostId: 'h-actions', expiresAt: 4_000_000_000 });
});
afterAll(() => h.destroy());
beforeEach(() => {
  h.hostClient.calls.length = 0;
});

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; details?: Record<string, unknown> } }).error;

async function connectedSession(): Promise<string> {
  const id = await h.createSession(token);
  expect((await h.request('POST', `/v1/sessions/${id}/start`, { token })).status).toBe(202);
  await h.hostWrites(id, { status: 'CONNECTED', epoch: 1 });
  h.hostClient.calls.length = 0;
  return id;
}

async function outboxRows(sessionId: string): Promise<Record<string, unknown>[]> {
  const { Items } = await h.aws.doc.send(
    new QueryCommand({
      TableName: h.aws.tables.outbox,
      KeyConditionExpression: 'sessionId = :s',
      ExpressionAttributeValues: { ':s': sessionId },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

const send = (id: string, body: Record<string, unknown>) =>
  h.request('POST', `/v1/sessions/${id}/messages`, { token, body });

/** A group chat: quotes and reactions there must name the quoted message's sender. */
const GROUP = '120363000000000001@g.us';

describe('kinds and actions on the send', () => {
  it.each([
    ['location', { latitude: 52.52, longitude: 13.405, name: 'Office' }],
    ['contact', { name: 'Bo Smith', phoneNumber: '4915100000001' }],
    ['reaction', { messageId: MSG, emoji: '👍' }],
    ['reaction', { messageId: MSG, emoji: '' }],
    ['edit', { messageId: MSG, text: 'fixed' }],
    ['delete', { messageId: MSG }],
  ])('sync: a %s reaches the host as one action (201)', async (type, fields) => {
    const id = await connectedSession();
    const res = await send(id, { to: TO, mode: 'sync', [type]: fields });
    expect(res.status).toBe(201);
    const [call] = h.hostClient.callsOf('send');
    expect(call?.message).toMatchObject({ to: TO, action: { type, ...fields } });
    expect(call?.message?.text).toBeUndefined();
  });

  it('sync: a reply carries the quoted message id to the host', async () => {
    const id = await connectedSession();
    const quoted = { messageId: MSG, text: 'can you call?' };
    const res = await send(id, { to: TO, mode: 'sync', text: 'sure', quoted });
    expect(res.status).toBe(201);
    expect(h.hostClient.callsOf('send')[0]?.message).toMatchObject({ text: 'sure', quoted });
  });

  it('queued: the action and the quote are stored on the queued row (202)', async () => {
    const id = await connectedSession();
    const reaction = { messageId: MSG, emoji: '🎉' };
    expect((await send(id, { to: TO, reaction })).status).toBe(202);
    expect((await send(id, { to: TO, text: 'reply', quoted: { messageId: MSG } })).status).toBe(202);
    const rows = await outboxRows(id);
    expect(rows.map((r) => r.action ?? r.quoted)).toEqual(
      expect.arrayContaining([{ type: 'reaction', ...reaction }, { messageId: MSG }]),
    );
  });

  it('an idempotency key reused for another reaction is refused 409 IDEMPOTENCY_KEY_REUSED', async () => {
    const id = await connectedSession();
    const first = { to: TO, reaction: { messageId: MSG, emoji: '👍' }, idempotencyKey: 'react-1' };
    expect((await send(id, first)).status).toBe(202);
    const res = await send(id, { ...first, reaction: { messageId: MSG, emoji: '👎' } });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('sync: the host’s NOT_OWN_MESSAGE refusal is 422 with that code', async () => {
    const id = await connectedSession();
    h.hostClient.onSend = async () => {
      throw new NotOwnMessageError('only messages this session sent can be edited or deleted');
    };
    try {
      const res = await send(id, { to: TO, mode: 'sync', delete: { messageId: MSG } });
      expect(res.status).toBe(422);
      expect((await errorOf(res)).code).toBe('NOT_OWN_MESSAGE');
    } finally {
      h.hostClient.onSend = async (m) => ({ messageId: m.messageId, status: 'SENT' });
    }
  });

  it.each([
    ['latitude over 90', { location: { latitude: 90.5, longitude: 0 } }],
    ['longitude under -180', { location: { latitude: 0, longitude: -181 } }],
    ['a location without longitude', { location: { latitude: 1 } }],
    ['a word as reaction', { reaction: { messageId: MSG, emoji: 'yes' } }],
    ['a reaction without a message id', { reaction: { emoji: '👍' } }],
    ['a malformed message id', { delete: { messageId: 'not an id!' } }],
    ['an edit without text', { edit: { messageId: MSG } }],
    [
      'a contact card with a line break in the name',
      { contact: { name: 'A\nTEL:1', phoneNumber: '4915100000001' } },
    ],
    ['a contact card with a bad number', { contact: { name: 'A', phoneNumber: '+49 151' } }],
    ['two kinds at once', { text: 'hi', location: { latitude: 1, longitude: 2 } }],
    ['a quote on a reaction', { reaction: { messageId: MSG, emoji: '👍' }, quoted: { messageId: MSG } }],
    [
      'a quote with a participant that is no user JID',
      { text: 'hi', quoted: { messageId: MSG, participant: 'x@g.us' } },
    ],
    ['a quote in a group without its participant', { to: GROUP, text: 'hi', quoted: { messageId: MSG } }],
    [
      'a reaction in a group without its participant',
      { to: GROUP, reaction: { messageId: MSG, emoji: '👍' } },
    ],
  ])('refuses %s with 400 VALIDATION_FAILED, queues nothing, calls no host', async (_what, fields) => {
    const id = await connectedSession();
    for (const mode of ['queued', 'sync']) {
      const res = await send(id, { to: TO, mode, ...fields });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe('VALIDATION_FAILED');
    }
    expect(await outboxRows(id)).toEqual([]);
    expect(h.hostClient.calls).toEqual([]);
  });
});

describe('chat actions and the contacts check', () => {
  it('marks messages of a chat read through the owning host', async () => {
    const id = await connectedSession();
    const res = await h.request('POST', `/v1/sessions/${id}/chats/${TO}@s.whatsapp.net/read`, {
      token,
      body: { messageIds: [MSG, '3EB0FFFFFFFFFFFFFFFFFF'] },
    });
    expect(res.status).toBe(200);
    expect(h.hostClient.callsOf('read')[0]?.read).toEqual({
      chat: `${TO}@s.whatsapp.net`,
      messageIds: [MSG, '3EB0FFFFFFFFFFFFFFFFFF'],
    });
  });

  it('marks a whole chat read when no ids are given, and refuses an empty id list', async () => {
    const id = await connectedSession();
    const res = await h.request('POST', `/v1/sessions/${id}/chats/${TO}/read`, { token, body: {} });
    expect(res.status).toBe(200);
    expect(h.hostClient.callsOf('read').at(-1)?.read).toEqual({ chat: TO });
    const empty = await h.request('POST', `/v1/sessions/${id}/chats/${TO}/read`, {
      token,
      body: { messageIds: [] },
    });
    expect(empty.status).toBe(400);
  });

  it('sends typing to a LID chat through the owning host', async () => {
    const id = await connectedSession();
    const res = await h.request('POST', `/v1/sessions/${id}/chats/201651282282156@lid/presence`, {
      token,
      body: { presence: 'composing' },
    });
    expect(res.status).toBe(200);
    expect(h.hostClient.callsOf('presence')[0]?.presence).toEqual({
      chat: '201651282282156@lid',
      presence: 'composing',
    });
  });

  it.each([
    ['read', { messageIds: [] }],
    ['read', { messageIds: Array.from({ length: 101 }, (_, i) => `3EB0${String(i).padStart(18, '0')}`) }],
    ['presence', { presence: 'dancing' }],
  ])('refuses a bad %s body with 400 VALIDATION_FAILED and calls no host', async (action, body) => {
    const id = await connectedSession();
    const res = await h.request('POST', `/v1/sessions/${id}/chats/${TO}/${action}`, { token, body });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('VALIDATION_FAILED');
    expect(h.hostClient.calls).toEqual([]);
  });

  it('refuses a chat that is no recipient (status broadcast) with 400', async () => {
    const id = await connectedSession();
    const res = await h.request('POST', `/v1/sessions/${id}/chats/status@broadcast/presence`, {
      token,
      body: { presence: 'composing' },
    });
    expect(res.status).toBe(400);
    expect(h.hostClient.calls).toEqual([]);
  });

  it('refuses chat actions of a session that is not connected with 409 SESSION_NOT_CONNECTED', async () => {
    const id = await h.createSession(token);
    const res = await h.request('POST', `/v1/sessions/${id}/chats/${TO}/presence`, {
      token,
      body: { presence: 'paused' },
    });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('SESSION_NOT_CONNECTED');
  });

  it('checks numbers through the host, deduplicated, with +, spaces and dashes stripped', async () => {
    const id = await connectedSession();
    h.hostClient.onCheckContacts = async (numbers) =>
      numbers.map((number) =>
        number === TO
          ? { number, exists: true, jid: `${number}@s.whatsapp.net`, lid: '201651282282156@lid' }
          : { number, exists: false },
      );
    const numbers = encodeURIComponent(`+49 151 23456789,15550001111,4915123456789`);
    const res = await h.request('GET', `/v1/sessions/${id}/contacts/check?numbers=${numbers}`, { token });
    expect(res.status).toBe(200);
    expect(h.hostClient.callsOf('contacts')[0]?.numbers).toEqual([TO, '15550001111']);
    expect(await res.json()).toEqual({
      contacts: [
        { number: TO, exists: true, jid: `${TO}@s.whatsapp.net`, lid: '201651282282156@lid' },
        { number: '15550001111', exists: false },
      ],
    });
  });

  it('refuses more than 50 numbers with 400 TOO_MANY_NUMBERS and asks no host', async () => {
    const id = await connectedSession();
    const numbers = Array.from({ length: 51 }, (_, i) => `1555000${String(i).padStart(4, '0')}`).join(',');
    const res = await h.request('GET', `/v1/sessions/${id}/contacts/check?numbers=${numbers}`, { token });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('TOO_MANY_NUMBERS');
    expect(h.hostClient.calls).toEqual([]);
    // The line the limit's metric filter counts.
    expect(lines.filter((l) => l.msg === LIMIT_REFUSED_MESSAGE)).toEqual([
      expect.objectContaining({ limit: 'contactCheckNumbers', tenantId: 'acme', sessionId: id }),
    ]);
  });

  it.each([[''], ['12'], ['4915123456789,abc'], ['4915123456789,,']])(
    'refuses numbers=%j with 400 VALIDATION_FAILED and asks no host',
    async (numbers) => {
      const id = await connectedSession();
      const res = await h.request(
        'GET',
        `/v1/sessions/${id}/contacts/check?numbers=${encodeURIComponent(numbers)}`,
        { token },
      );
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe('VALIDATION_FAILED');
      expect(h.hostClient.calls).toEqual([]);
    },
  );
});

describe('tenant isolation', () => {
  it.each([
    ['mark read', 'POST', (id: string) => `/v1/sessions/${id}/chats/${TO}/read`, { messageIds: [MSG] }],
    [
      'presence',
      'POST',
      (id: string) => `/v1/sessions/${id}/chats/${TO}/presence`,
      { presence: 'composing' },
    ],
    ['contacts check', 'GET', (id: string) => `/v1/sessions/${id}/contacts/check?numbers=${TO}`, undefined],
    [
      'a reaction',
      'POST',
      (id: string) => `/v1/sessions/${id}/messages`,
      { to: TO, reaction: { messageId: MSG, emoji: '👍' } },
    ],
  ])(
    '%s on another tenant’s session is 404 SESSION_NOT_FOUND and reaches no host',
    async (_what, method, path, body) => {
      const id = await connectedSession();
      const other = await h.adminToken('someone-else');
      const res = await h.request(method, path(id), { token: other, ...(body && { body }) });
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('SESSION_NOT_FOUND');
      expect(h.hostClient.calls).toEqual([]);
      expect(await outboxRows(id)).toEqual([]);
    },
  );
});
