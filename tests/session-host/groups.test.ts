import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import type { GroupAddressing } from '../support/fake-whatsapp/groups-model.ts';
import { HostHarness } from './host-harness.ts';

const TOKEN = 'internal-test-token';

let h: HostHarness;
beforeEach(async () => {
  h = await HostHarness.create();
});
afterEach(async () => {
  await h.dispose();
});

type Json = Record<string, unknown>;

/** A linked session whose number is in a group with Alice, Bob and Carol. */
async function setup(options: { addressing?: GroupAddressing; sessionIsAdmin?: boolean } = {}) {
  const running = await h.startHost();
  const app = createInternalApi(running.host, running.metrics, TOKEN);
  const sessionId = await h.createSession();
  const device = await h.link(sessionId);
  const [alice, bob, carol] = ['Alice', 'Bob', 'Carol'].map((name) => h.fake.createUser({ name })) as [
    ReturnType<typeof h.fake.createUser>,
    ReturnType<typeof h.fake.createUser>,
    ReturnType<typeof h.fake.createUser>,
  ];
  const group = h.fake.groups.create({
    subject: 'Support',
    creator: options.sessionIsAdmin === false ? alice.pn : device.pn,
    participants: [alice.pn, bob.pn, carol.pn, device.pn],
    addressing: options.addressing ?? 'lid',
  });
  const post = async (path: string, body: unknown) => {
    const res = await app.request(`/internal/sessions/${sessionId}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  let seq = 0;
  const send = async (text: string) => {
    seq += 1;
    const messageId = `3EB0GROUP${String(seq).padStart(8, '0')}`;
    const res = await post('/messages', { to: group.jid, text, messageId });
    expect(res.status).toBe(201);
    return messageId;
  };
  return { running, sessionId, device, alice, bob, carol, group, post, send };
}

/** Counts the w:g2 metadata queries clients make from now on. */
function metadataQueries(): () => number {
  let count = 0;
  h.fake.events.on('iq', (_jid, xmlns, child) => {
    if (xmlns === 'w:g2' && child === 'query') count += 1;
  });
  return () => count;
}

describe('group operations through the host', () => {
  it('lists the groups the number is in and reads one with both forms of every participant', async () => {
    const { post, group, alice } = await setup();

    const list = await post('/groups/list', {});
    const read = await post('/groups/read', { group: group.jid });

    expect(list.status).toBe(200);
    expect((list.body.groups as Json[]).map((g) => g.jid)).toEqual([group.jid]);
    expect(read.status).toBe(200);
    const info = read.body.group as { subject: string; participants: Json[]; addressingMode: string };
    expect(info).toMatchObject({ subject: 'Support', addressingMode: 'lid' });
    expect(info.participants).toContainEqual({ jid: alice.lidJid, phoneNumberJid: alice.jid });
  });

  it('creates a group, adds and removes participants, and leaves', async () => {
    const { post, alice, bob } = await setup();
    const dave = h.fake.createUser({ name: 'Dave' });

    const created = await post('/groups/create', { subject: 'Orders', participants: [alice.pn, bob.jid] });
    const jid = (created.body.group as Json).jid as string;
    const added = await post('/groups/participants', {
      group: jid,
      action: 'add',
      participants: [dave.pn, alice.pn],
    });
    const removed = await post('/groups/participants', {
      group: jid,
      action: 'remove',
      participants: [bob.pn],
    });
    const left = await post('/groups/leave', { group: jid });

    expect(created.status).toBe(200);
    expect(added.body.participants).toEqual([
      expect.objectContaining({ outcome: 'done', code: '200' }),
      expect.objectContaining({ outcome: 'already-in-group', code: '409' }),
    ]);
    expect(removed.body.participants).toEqual([expect.objectContaining({ outcome: 'done' })]);
    expect(left).toEqual({ status: 200, body: { left: true } });
    expect(
      h.fake.groups
        .get(jid)
        ?.participants.map((p) => p.pn)
        .sort(),
    ).toEqual([alice.pn, dave.pn].sort());
  });

  it('refuses what the number may not do with 403 GROUP_FORBIDDEN and an unknown group with 404', async () => {
    const { post, group, carol, alice, bob } = await setup({ sessionIsAdmin: false });
    const other = h.fake.groups.create({ subject: 'Other', creator: alice.pn, participants: [bob.pn] });

    const remove = await post('/groups/participants', {
      group: group.jid,
      action: 'remove',
      participants: [carol.pn],
    });
    const notMember = await post('/groups/read', { group: other.jid });
    const unknown = await post('/groups/read', { group: '120363000000000001@g.us' });
    const sendToOther = await post('/messages', { to: other.jid, text: 'hi', messageId: '3EB0NOTAMEMBER01' });

    expect(remove).toMatchObject({ status: 403, body: { error: { code: 'GROUP_FORBIDDEN' } } });
    expect(notMember).toMatchObject({ status: 403, body: { error: { code: 'GROUP_FORBIDDEN' } } });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'GROUP_NOT_FOUND' } } });
    expect(sendToOther).toMatchObject({ status: 403, body: { error: { code: 'GROUP_FORBIDDEN' } } });
    expect(h.fake.groups.get(group.jid)?.participants.map((p) => p.pn)).toContain(carol.pn);
  });

  it.each([
    [{ group: 'not-a-group', action: 'add', participants: ['15550001111'] }],
    [{ group: '120363000000000001@g.us', action: 'kick', participants: ['15550001111'] }],
    [{ group: '120363000000000001@g.us', action: 'add', participants: [] }],
    [{ group: '120363000000000001@g.us', action: 'add', participants: ['15550001111:2@s.whatsapp.net'] }],
    [
      {
        group: '120363000000000001@g.us',
        action: 'add',
        participants: Array.from({ length: 51 }, (_, i) => `1555000${String(i).padStart(4, '0')}`),
      },
    ],
  ])('refuses a malformed participants request with 400 before WhatsApp is asked (%#)', async (body) => {
    const { post } = await setup();

    const res = await post('/groups/participants', body);

    expect(res).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });
});

describe('group messages through the host', () => {
  it.each(['lid', 'pn'] as const)(
    'a text to a group of three is decrypted by all three (%s)',
    async (addressing) => {
      const { send, alice, bob, carol } = await setup({ addressing });

      const id = await send('hello support');

      for (const member of [alice, bob, carol]) {
        const got = await h.fake.groups.waitForMessage(member.pn, (m) => m.id === id);
        expect(got.text).toBe('hello support');
      }
    },
  );

  it('asks WhatsApp for the metadata once, and again only after a participant change', async () => {
    const { running, sessionId, send, bob, group, alice } = await setup();
    const queries = metadataQueries();

    await send('one');
    await send('two');
    const afterTwo = queries();
    h.fake.groups.changeParticipants(group.jid, alice.pn, 'promote', [bob.pn]);
    await h.waitForEvent(sessionId, (e) => e.type === 'session:group-participants');
    const third = await send('three');
    await h.fake.groups.waitForMessage(bob.pn, (m) => m.id === third);

    expect(afterTwo).toBe(1);
    expect(queries()).toBe(2);
    expect(running.metrics.groupMetadataFetches.value).toBe(2);
  });

  it('a member message arrives once as session:message with the group as chat and the member as sender', async () => {
    const { sessionId, group, alice } = await setup();

    const id = await h.fake.groups.sendText(group.jid, alice.pn, 'question from Alice');

    const event = await h.waitForEvent(sessionId, (e) => e.type === 'session:message' && e.data.id === id);
    expect(event.data).toMatchObject({
      chat: group.jid,
      from: alice.lidJid,
      fromLid: alice.lidJid,
      fromPn: alice.jid,
      fromMe: false,
      text: 'question from Alice',
    });
    const copies = (await h.eventsOf(sessionId)).filter(
      (e) => e.type === 'session:message' && e.data.id === id,
    );
    expect(copies).toHaveLength(1);
  });

  it('participant changes arrive as session:group-participants with the actor', async () => {
    const { sessionId, group, alice, carol } = await setup();

    h.fake.groups.changeParticipants(group.jid, alice.pn, 'remove', [carol.pn]);

    const event = await h.waitForEvent(sessionId, (e) => e.type === 'session:group-participants');
    expect(event.data).toEqual({
      group: group.jid,
      action: 'remove',
      participants: [{ jid: carol.lidJid, phoneNumberJid: carol.jid }],
      actor: alice.lidJid,
    });
  });

  it('a member leaving arrives as action leave, once, with the leaver as actor', async () => {
    const { sessionId, group, carol, alice } = await setup();

    h.fake.groups.changeParticipants(group.jid, carol.pn, 'remove', [carol.pn]);
    const marker = await h.fake.groups.sendText(group.jid, alice.pn, 'after carol left');
    await h.waitForEvent(sessionId, (e) => e.type === 'session:message' && e.data.id === marker);

    const event = await h.waitForEvent(sessionId, (e) => e.type === 'session:group-participants');
    expect(event.data).toEqual({
      group: group.jid,
      action: 'leave',
      participants: [{ jid: carol.lidJid, phoneNumberJid: carol.jid }],
      actor: carol.lidJid,
    });
    expect(event.eventId).toMatch(/^grp_[0-9a-f]{32}$/);
    const all = (await h.eventsOf(sessionId)).filter((e) => e.type === 'session:group-participants');
    expect(all).toHaveLength(1);
  });

  it('member receipts become session:message-status per participant, with everyone heard so far', async () => {
    const { sessionId, send, group, alice, bob, device } = await setup();
    const id = await send('did you get it');
    await h.fake.groups.waitForMessage(bob.pn, (m) => m.id === id);

    h.fake.groups.sendReceipt(group.jid, alice.pn, device.pn, [id]);
    await h.waitForEvent(
      sessionId,
      (e) => e.type === 'session:message-status' && e.data.participant === alice.lidJid,
    );
    h.fake.groups.sendReceipt(group.jid, bob.pn, device.pn, [id], 'read');

    const last = await h.waitForEvent(
      sessionId,
      (e) => e.type === 'session:message-status' && e.data.participant === bob.lidJid,
    );
    expect(last.data).toMatchObject({
      id,
      chat: group.jid,
      status: 'READ',
      participants: { [alice.lidJid]: 'DELIVERED', [bob.lidJid]: 'READ' },
    });
  });
});

describe('sender-key rotation after a removal', () => {
  it.each(['api', 'notification'] as const)(
    'a removed member’s old sender key cannot read the next message; the others can (removed by %s)',
    async (how) => {
      const { running, sessionId, send, post, group, alice, bob, carol } = await setup();
      const first = await send('first');
      await h.fake.groups.waitForMessage(carol.pn, (m) => m.id === first);
      const snapshot = h.fake.groups.senderKeySnapshot(group.jid, carol.pn);
      // The snapshot is a working key state: it reads the group's next message while Carol is in.
      const before = await send('before the removal');
      await h.fake.groups.waitForMessage(carol.pn, (m) => m.id === before);
      await expect(h.fake.groups.decryptWithSnapshot(snapshot, before)).resolves.toBe('before the removal');

      if (how === 'api') {
        const res = await post('/groups/participants', {
          group: group.jid,
          action: 'remove',
          participants: [carol.pn],
        });
        expect(res.status).toBe(200);
      } else {
        h.fake.groups.changeParticipants(group.jid, alice.pn, 'remove', [carol.pn]);
        await h.waitForEvent(sessionId, (e) => e.type === 'session:group-participants');
      }
      const after = await send('after the removal');

      for (const member of [alice, bob]) {
        const got = await h.fake.groups.waitForMessage(member.pn, (m) => m.id === after);
        expect(got.text).toBe('after the removal');
      }
      await expect(h.fake.groups.decryptWithSnapshot(snapshot, after)).rejects.toThrow();
      expect(running.metrics.senderKeyRotations.value).toBeGreaterThanOrEqual(1);
    },
  );
});
