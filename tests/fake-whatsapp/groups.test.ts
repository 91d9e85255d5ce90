import type { BaileysEventMap } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { startControlServer } from '../support/fake-whatsapp/control-http.ts';
import { EventLog } from '../support/fake-whatsapp/event-log.ts';
import type { GroupAddressing } from '../support/fake-whatsapp/groups-model.ts';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { linkAndConnect } from '../support/fake-whatsapp/link-device.ts';

const resources = new TestResources();
afterEach(() => resources.dispose());

/** A linked client whose account is in a group with three fake contacts. */
async function setup(options: { addressing?: GroupAddressing; adminIsClient?: boolean } = {}) {
  const fake = await resources.fake();
  const alice = fake.createUser({ name: 'Alice' });
  const bob = fake.createUser({ name: 'Bob' });
  const carol = fake.createUser({ name: 'Carol' });
  const { client, device } = await linkAndConnect(fake);
  resources.client(client);
  const participantsLog = new EventLog<BaileysEventMap['group-participants.update']>();
  const receiptsLog = new EventLog<BaileysEventMap['message-receipt.update'][number]>();
  client.sock.ev.on('group-participants.update', (u) => participantsLog.push(u));
  client.sock.ev.on('message-receipt.update', (list) => {
    for (const item of list) receiptsLog.push(item);
  });
  const adminIsClient = options.adminIsClient ?? true;
  const group = fake.groups.create({
    subject: 'Team',
    creator: adminIsClient ? device.pn : alice.pn,
    participants: [alice.pn, bob.pn, carol.pn, device.pn],
    addressing: options.addressing ?? 'lid',
  });
  return { fake, alice, bob, carol, client, device, group, participantsLog, receiptsLog };
}

describe('group metadata on the fake', () => {
  it.each(['lid', 'pn'] as const)(
    'answers w:g2 with every participant in both forms (%s)',
    async (addressing) => {
      const { client, group, alice, device } = await setup({ addressing });

      const meta = await client.sock.groupMetadata(group.jid);

      expect(meta.id).toBe(group.jid);
      expect(meta.subject).toBe('Team');
      expect(meta.addressingMode).toBe(addressing);
      expect(meta.participants).toHaveLength(4);
      const a = meta.participants.find((p) => p.id === (addressing === 'lid' ? alice.lidJid : alice.jid));
      expect(addressing === 'lid' ? a?.phoneNumber : a?.lid).toBe(
        addressing === 'lid' ? alice.jid : alice.lidJid,
      );
      const me = meta.participants.find(
        (p) => p.phoneNumber === `${device.pn}@s.whatsapp.net` || p.id === `${device.pn}@s.whatsapp.net`,
      );
      expect(me?.admin).toBe('superadmin');
    },
  );

  it('refuses metadata to a non-member with 403 and an unknown group with 404', async () => {
    const { fake, client, alice, bob } = await setup();
    const other = fake.groups.create({ subject: 'Other', creator: alice.pn, participants: [bob.pn] });

    const notMember = await client.sock.groupMetadata(other.jid).catch((err: unknown) => err);
    const unknown = await client.sock.groupMetadata('120363000000000000@g.us').catch((err: unknown) => err);

    expect(notMember).toMatchObject({ data: 403 });
    expect(unknown).toMatchObject({ data: 404 });
  });

  it('lists only the groups the account participates in', async () => {
    const { fake, client, alice, bob, group } = await setup();
    fake.groups.create({ subject: 'Other', creator: alice.pn, participants: [bob.pn] });

    const all = await client.sock.groupFetchAllParticipating();

    expect(Object.keys(all)).toEqual([group.jid]);
  });
});

describe('group messages with sender keys', () => {
  it.each(['lid', 'pn'] as const)(
    'a client message is decrypted by all three members (%s)',
    async (addressing) => {
      const { fake, client, group, alice, bob, carol } = await setup({ addressing });

      const first = await client.sock.sendMessage(group.jid, { text: 'hello team' });
      const second = await client.sock.sendMessage(group.jid, { text: 'second' });

      for (const member of [alice, bob, carol]) {
        const got = await fake.groups.waitForMessage(member.pn, (m) => m.id === first?.key.id);
        expect(got).toMatchObject({ group: group.jid, text: 'hello team' });
        const next = await fake.groups.waitForMessage(member.pn, (m) => m.id === second?.key.id);
        expect(next.text).toBe('second');
      }
    },
  );

  it.each(['lid', 'pn'] as const)(
    'a member message arrives once with the group as chat and the member as participant (%s)',
    async (addressing) => {
      const { fake, client, group, alice, device } = await setup({ addressing });

      const id = await fake.groups.sendText(group.jid, alice.pn, 'hi from Alice');
      const id2 = await fake.groups.sendText(group.jid, alice.pn, 'again');

      const { type, message } = await client.waitForText((t) => t === 'hi from Alice');
      await client.waitForText((t) => t === 'again');
      expect(type).toBe('notify');
      const [participant, alt] = addressing === 'lid' ? [alice.lidJid, alice.jid] : [alice.jid, alice.lidJid];
      expect(message.key).toMatchObject({ id, remoteJid: group.jid, participant, participantAlt: alt });
      const copies = client.upserts.items.flatMap((u) => u.messages).filter((m) => m.key.id === id);
      expect(copies).toHaveLength(1);
      const receipt = await fake.waitForReceipt((r) => r.id === id2);
      expect(receipt.from).toBe(device.jid);
    },
  );

  it('answers a retry receipt with the SKDM, after which the client decrypts', async () => {
    const { fake, client, group, bob } = await setup();
    const retried = new EventLog<string>();
    fake.groups.events.on('group-retry', (_g, id) => retried.push(id));

    const id = await fake.groups.sendText(group.jid, bob.pn, 'no key yet', { withoutDistribution: true });

    await retried.waitFor((r) => r === id, 10_000, 'retry');
    const { message } = await client.waitForText((t) => t === 'no key yet');
    expect(message.key?.id).toBe(id);
  });

  it('member receipts surface as message-receipt.update per participant', async () => {
    const { fake, client, group, alice, bob, device, receiptsLog } = await setup();
    const sent = await client.sock.sendMessage(group.jid, { text: 'ack me' });
    const id = sent?.key.id ?? '';
    await fake.groups.waitForMessage(bob.pn, (m) => m.id === id);
    // A receipt arriving while Baileys still buffers its own upsert is folded into it (README "Pitfalls").
    await client.upserts.waitFor((u) => u.messages.some((m) => m.key.id === id), 10_000, 'own upsert');

    fake.groups.sendReceipt(group.jid, alice.pn, device.pn, [id]);
    fake.groups.sendReceipt(group.jid, bob.pn, device.pn, [id], 'read');

    const alices = await receiptsLog.waitFor((r) => r.receipt.userJid === alice.lidJid, 10_000, 'alice');
    const bobs = await receiptsLog.waitFor((r) => r.receipt.userJid === bob.lidJid, 10_000, 'bob');
    expect(alices.key).toMatchObject({ id, remoteJid: group.jid });
    expect(alices.receipt.receiptTimestamp).toBeTruthy();
    expect(bobs.receipt.readTimestamp).toBeTruthy();
  });
});

describe('group participants', () => {
  it('an admin adds and removes: Baileys gets each change as group-participants.update', async () => {
    const { fake, client, group, carol, participantsLog } = await setup();
    const dave = fake.createUser({ name: 'Dave' });

    const added = await client.sock.groupParticipantsUpdate(group.jid, [dave.jid], 'add');
    const removed = await client.sock.groupParticipantsUpdate(group.jid, [carol.jid], 'remove');
    const again = await client.sock.groupParticipantsUpdate(group.jid, [carol.jid], 'remove');

    expect(added.map((r) => r.status)).toEqual(['200']);
    expect(removed.map((r) => r.status)).toEqual(['200']);
    expect(again.map((r) => r.status)).toEqual(['406']);
    const add = await participantsLog.waitFor((u) => u.action === 'add', 10_000, 'add');
    const remove = await participantsLog.waitFor((u) => u.action === 'remove', 10_000, 'remove');
    expect(add.participants.map((p) => p.id)).toEqual([dave.lidJid]);
    expect(remove.participants.map((p) => p.phoneNumber)).toEqual([carol.jid]);
    expect(fake.groups.get(group.jid)?.participants.map((p) => p.pn)).toContain(dave.pn);
    expect(fake.groups.get(group.jid)?.participants.map((p) => p.pn)).not.toContain(carol.pn);
  });

  it('refuses a non-admin with 403, which Baileys throws', async () => {
    const { fake, client, group, carol } = await setup({ adminIsClient: false });
    const dave = fake.createUser();

    const add = await client.sock
      .groupParticipantsUpdate(group.jid, [dave.jid], 'add')
      .catch((e: unknown) => e);
    const remove = await client.sock
      .groupParticipantsUpdate(group.jid, [carol.jid], 'remove')
      .catch((e: unknown) => e);

    expect(add).toMatchObject({ data: 403 });
    expect(remove).toMatchObject({ data: 403 });
    expect(fake.groups.get(group.jid)?.participants).toHaveLength(4);
  });

  it('creates a group and leaves it', async () => {
    const { fake, client, alice, bob, device } = await setup();

    const created = await client.sock.groupCreate('New', [alice.jid, bob.jid]);
    await client.sock.groupLeave(created.id);

    expect(created.participants).toHaveLength(3);
    expect(
      fake.groups
        .get(created.id)
        ?.participants.map((p) => p.pn)
        .sort(),
    ).toEqual([alice.pn, bob.pn].sort());
    expect(fake.groups.get(created.id)?.participants.map((p) => p.pn)).not.toContain(device.pn);
  });

  it('a server-side removal notifies the client (w:gp2 with the actor)', async () => {
    const { fake, group, alice, bob, participantsLog } = await setup({ adminIsClient: false });

    fake.groups.changeParticipants(group.jid, alice.pn, 'remove', [bob.pn]);

    const update = await participantsLog.waitFor((u) => u.action === 'remove', 10_000, 'remove');
    // rc14 runs the notification through proto.WebMessageInfo.fromObject, whose MessageKey has no
    // participantAlt: the actor's participant_pn never reaches authorPn.
    expect(update).toMatchObject({ id: group.jid, author: alice.lidJid, authorPn: undefined });
    expect(update.participants.map((p) => p.id)).toEqual([bob.lidJid]);
  });

  it('Baileys alone keeps its sender key after a removal: the removed member still decrypts', async () => {
    const { fake, client, group, carol } = await setup();
    const first = await client.sock.sendMessage(group.jid, { text: 'before' });
    await fake.groups.waitForMessage(carol.pn, (m) => m.id === first?.key.id);
    const snapshot = fake.groups.senderKeySnapshot(group.jid, carol.pn);

    await client.sock.groupParticipantsUpdate(group.jid, [carol.jid], 'remove');
    const next = await client.sock.sendMessage(group.jid, { text: 'after removal' });
    const alice = fake.groups.get(group.jid)?.participants.find((p) => p.pn !== carol.pn);
    await fake.groups.waitForMessage(alice?.pn ?? '', (m) => m.id === next?.key.id);

    await expect(fake.groups.decryptWithSnapshot(snapshot, next?.key.id ?? '')).resolves.toBe(
      'after removal',
    );
    expect(fake.groups.inbox(carol.pn).map((m) => m.id)).not.toContain(next?.key.id);
  });
});

describe('groups over the control API', () => {
  it('creates a group, has a member write to it and lists what a member decrypted', async () => {
    const { fake, client, alice, bob, device } = await setup();
    const control = await startControlServer(fake);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${control.url}${path}`, {
        method,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      const created = await call('POST', '/groups', {
        subject: 'Ops',
        creator: device.pn,
        participants: [alice.pn, bob.pn],
        addressing: 'pn',
      });
      const jid = created.body.jid as string;
      const written = await call('POST', `/groups/${jid}/messages`, {
        from: bob.pn,
        text: 'from bob via control',
      });
      await client.waitForText((t) => t === 'from bob via control');
      const sent = await client.sock.sendMessage(jid, { text: 'to ops' });
      await fake.groups.waitForMessage(alice.pn, (m) => m.id === sent?.key.id);
      const inbox = await fetch(`${control.url}/users/${alice.pn}/group-inbox`).then((r) => r.json());
      const unknown = await call('GET', '/groups/120363000000000000@g.us');
      const bad = await call('POST', `/groups/${jid}/participants`, {
        actor: bob.pn,
        action: 'kick',
        participants: [],
      });

      expect(created).toMatchObject({ status: 200, body: { subject: 'Ops', addressing: 'pn' } });
      expect(written.status).toBe(200);
      expect(inbox).toEqual([{ id: sent?.key.id, group: jid, from: device.jid, text: 'to ops' }]);
      expect(unknown.status).toBe(404);
      expect(bad.status).toBe(400);
    } finally {
      await control.close();
    }
  });
});
