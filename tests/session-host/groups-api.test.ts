/**
 * Groups through the public API and a real host: the API's routes, the HTTP
 * host client against the host's internal API (in process), Baileys, the fake
 * WhatsApp. Queued (202) and sync (201) sends to a group reach every member.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import { type ApiHarness, createApiHarness } from '../api/support/api-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

const TOKEN = 'internal-token-for-group-api-0123456789';

let h: HostHarness;
let api: ApiHarness;
beforeEach(async () => {
  h = await HostHarness.create();
  api = await createApiHarness('groups-api', { aws: h.aws });
  api.now = new Date();
});
afterEach(async () => {
  await h.dispose();
});

async function linkedSession() {
  const { host, metrics } = await h.startHost('host-1');
  const sessionId = await h.createSession();
  const device = await h.link(sessionId);
  const internal = createInternalApi(host, metrics, TOKEN);
  const client = new HttpHostClient({
    internalToken: TOKEN,
    timeoutMs: 20_000,
    fetch: async (input, init) => internal.request(String(input), init as RequestInit),
  });
  api.hostClient.onNudge = () => host.reconcileSession(sessionId);
  api.hostClient.onSend = (m) => client.sendMessage('http://host', sessionId, m);
  api.hostClient.onGroup = (command) => client.groupCommand('http://host', sessionId, command);
  const token = await api.adminToken('acme');
  const members = ['Alice', 'Bob', 'Carol'].map((name) => h.fake.createUser({ name }));
  const group = h.fake.groups.create({
    subject: 'Desk',
    creator: device.pn,
    participants: members.map((m) => m.pn),
  });
  return { sessionId, token, members, group, device };
}

describe('groups through the public API', () => {
  it('a queued (202) and a sync (201) text to a group are decrypted by all three members', async () => {
    const { sessionId, token, members, group } = await linkedSession();
    const send = (text: string, mode?: 'sync') =>
      api.request('POST', `/v1/sessions/${sessionId}/messages`, {
        token,
        body: { to: group.jid, text, ...(mode && { mode }) },
      });

    const queued = await send('queued to the desk');
    const sync = await send('sync to the desk', 'sync');

    expect([queued.status, sync.status]).toEqual([202, 201]);
    const ids = [
      ((await queued.json()) as { messageId: string }).messageId,
      ((await sync.json()) as { messageId: string }).messageId,
    ];
    for (const member of members) {
      for (const id of ids) await h.fake.groups.waitForMessage(member.pn, (m) => m.id === id, 20_000);
    }
    expect(h.fake.groups.inbox(members[0]?.pn ?? '').map((m) => m.text)).toEqual(
      expect.arrayContaining(['queued to the desk', 'sync to the desk']),
    );
  });

  it('lists, reads, removes a participant and refuses a non-admin change with 403 GROUP_FORBIDDEN', async () => {
    const { sessionId, token, members, group, device } = await linkedSession();
    const [alice, bob, carol] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]];
    const base = `/v1/sessions/${sessionId}/groups`;
    const other = h.fake.groups.create({ subject: 'Not ours', creator: alice.pn, participants: [bob.pn] });
    h.fake.groups.changeParticipants(other.jid, alice.pn, 'add', [device.pn]);

    const list = await api.request('GET', base, { token });
    const read = await api.request('GET', `${base}/${group.jid}`, { token });
    const removed = await api.request('POST', `${base}/${group.jid}/participants`, {
      token,
      body: { remove: [carol.pn] },
    });
    const refused = await api.request('POST', `${base}/${other.jid}/participants`, {
      token,
      body: { add: [carol.pn] },
    });
    const unknown = await api.request('GET', `${base}/120363000000000009@g.us`, { token });

    expect(list.status).toBe(200);
    expect(((await list.json()) as { groups: { jid: string }[] }).groups.map((g) => g.jid).sort()).toEqual(
      [group.jid, other.jid].sort(),
    );
    expect(read.status).toBe(200);
    expect(((await read.json()) as { participants: unknown[] }).participants).toHaveLength(4);
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({
      participants: [{ jid: carol.lidJid, outcome: 'done', code: '200' }],
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('GROUP_FORBIDDEN');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('GROUP_NOT_FOUND');
  });

  it('a queued message to a group the number is not in fails as GROUP_FORBIDDEN, once', async () => {
    const { sessionId, token, members } = await linkedSession();
    const [alice, bob] = members as [(typeof members)[0], (typeof members)[0]];
    const other = h.fake.groups.create({ subject: 'Not ours', creator: alice.pn, participants: [bob.pn] });

    const res = await api.request('POST', `/v1/sessions/${sessionId}/messages`, {
      token,
      body: { to: other.jid, text: 'let me in' },
    });
    const { messageId } = (await res.json()) as { messageId: string };

    const failed = await waitFor(
      async () =>
        (await h.eventsOf(sessionId)).find(
          (e) => e.type === 'session:message-status' && e.data.id === messageId && e.data.status === 'FAILED',
        ),
      () => `${messageId} to fail`,
      20_000,
      50,
    );
    expect(failed.data.error).toMatchObject({ code: 'GROUP_FORBIDDEN' });
  });
});
