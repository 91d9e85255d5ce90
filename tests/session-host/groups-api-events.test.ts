/**
 * Incoming group traffic read through the public API's GET …/events, against
 * a real host, real Baileys and the fake WhatsApp: a member's message arrives
 * once (also when it first came without its sender key and needed a retry),
 * with the group as chat and the member as from; participant changes arrive.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../api/support/api-harness.ts';
import { linkedApiSession } from './groups-api-support.ts';
import { HostHarness } from './host-harness.ts';

let h: HostHarness;
let api: ApiHarness;
beforeEach(async () => {
  h = await HostHarness.create();
  api = await createApiHarness('groups-api-events', { aws: h.aws });
  api.now = new Date();
});
afterEach(async () => {
  await h.dispose();
});

describe('group events through GET /v1/sessions/{id}/events', () => {
  it('a member message arrives once with the group as chat and the member as from; add and remove arrive', async () => {
    const { members, device, events, waitForApiEvent } = await linkedApiSession(h, api);
    const [alice, bob, carol] = members;
    const group = h.fake.groups.create({
      subject: 'Desk',
      creator: device.pn,
      participants: [alice.pn, bob.pn],
    });

    const id = await h.fake.groups.sendText(group.jid, alice.pn, 'question from Alice');
    h.fake.groups.changeParticipants(group.jid, device.pn, 'add', [carol.pn]);
    h.fake.groups.changeParticipants(group.jid, device.pn, 'remove', [bob.pn]);

    const message = await waitForApiEvent(
      (e) => e.type === 'session:message' && e.data.id === id,
      `message ${id}`,
    );
    // A member's first message carries its sender key in the same stanza; the event is still a text.
    expect(message.data).toMatchObject({
      chat: group.jid,
      from: alice.lidJid,
      kind: 'text',
      text: 'question from Alice',
    });
    const removed = await waitForApiEvent(
      (e) => e.type === 'session:group-participants' && e.data.action === 'remove',
      'the remove notification',
    );
    const all = await events();
    expect(all.filter((e) => e.type === 'session:message' && e.data.id === id)).toHaveLength(1);
    expect(
      all.find((e) => e.type === 'session:group-participants' && e.data.action === 'add')?.data,
    ).toMatchObject({
      group: group.jid,
      participants: [expect.objectContaining({ jid: carol.lidJid, phoneNumberJid: carol.jid })],
    });
    expect(removed.data).toMatchObject({
      group: group.jid,
      participants: [expect.objectContaining({ jid: bob.lidJid, phoneNumberJid: bob.jid })],
    });
  });

  it('a member message sent without its sender key is retried by the host and arrives once, as text', async () => {
    const { members, device, events, waitForApiEvent } = await linkedApiSession(h, api);
    const [alice] = members;
    const group = h.fake.groups.create({ subject: 'Desk', creator: device.pn, participants: [alice.pn] });
    const retried: string[] = [];
    h.fake.groups.events.on('group-retry', (_group, retriedId) => retried.push(retriedId));

    const id = await h.fake.groups.sendText(group.jid, alice.pn, 'no key yet', { withoutDistribution: true });

    const message = await waitForApiEvent(
      (e) => e.type === 'session:message' && e.data.id === id,
      `message ${id}`,
    );
    expect(message.data).toMatchObject({
      chat: group.jid,
      from: alice.lidJid,
      kind: 'text',
      text: 'no key yet',
    });
    const marker = await h.fake.groups.sendText(group.jid, alice.pn, 'marker');
    await waitForApiEvent((e) => e.type === 'session:message' && e.data.id === marker, `message ${marker}`);
    expect((await events()).filter((e) => e.type === 'session:message' && e.data.id === id)).toHaveLength(1);
    expect(retried).toContain(id);
  });
});
