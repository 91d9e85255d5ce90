import { proto } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { connectBaileys } from '../support/fake-whatsapp/baileys-client.ts';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { linkAndConnect } from '../support/fake-whatsapp/link-device.ts';
import type { FakeWhatsApp } from '../support/fake-whatsapp/server.ts';
import { waitForEvent } from '../support/fake-whatsapp/wait-for.ts';

const resources = new TestResources();
afterEach(() => resources.dispose());

async function setup() {
  const fake = await resources.fake();
  const contact = fake.createUser({ name: 'Alice' });
  const { client, device } = await linkAndConnect(fake);
  resources.client(client);
  return { fake, contact, client, device };
}

describe('incoming 1:1 text from a fake contact', () => {
  it('arrives PN-addressed as a pkmsg, is upserted as notify and receipted back', async () => {
    const { fake, contact, client, device } = await setup();
    const delivered = deliveredTypeFor(fake);

    const id = await fake.sendText(contact.pn, device.pn, 'hello from Alice');

    const { type, message } = await client.waitForText((t) => t === 'hello from Alice');
    expect(type).toBe('notify');
    expect(message.key).toMatchObject({ id, fromMe: false, remoteJid: contact.jid });
    expect(message.pushName).toBe('Alice');
    expect(delivered.get(id)).toEqual({ type: 'pkmsg', offline: false });
    const receipt = await fake.waitForReceipt((r) => r.id === id);
    expect(receipt).toMatchObject({ from: device.jid });
  });

  it('switches from pkmsg to msg once the client has answered on the session', async () => {
    const { fake, contact, client, device } = await setup();
    const delivered = deliveredTypeFor(fake);
    const firstId = await fake.sendText(contact.pn, device.pn, 'first');
    await client.waitForText((t) => t === 'first');

    await client.sock.sendMessage(contact.jid, { text: 'answer' });
    const answer = await fake.waitForMessage(contact.pn, (m) => m.text === 'answer');
    const secondId = await fake.sendText(contact.pn, device.pn, 'second');

    await client.waitForText((t) => t === 'second');
    // Baileys force-refreshes the session after its first device lookup, so its answer is a pkmsg too
    expect(answer.encType).toBe('pkmsg');
    expect(delivered.get(firstId)?.type).toBe('pkmsg');
    expect(delivered.get(secondId)?.type).toBe('msg');
  });

  it('arrives LID-addressed with the phone number as the alternate address', async () => {
    const { fake, contact, client, device } = await setup();

    const id = await fake.sendText(contact.pn, device.pn, 'hello via lid', { addressing: 'lid' });

    const { type, message } = await client.waitForText((t) => t === 'hello via lid');
    expect(type).toBe('notify');
    expect(message.key).toMatchObject({ id, remoteJid: contact.lidJid, remoteJidAlt: contact.jid });
    await fake.waitForReceipt((r) => r.id === id);
  });

  it('queues messages for an offline device and delivers them flagged offline, upserted as append', async () => {
    const fake = await resources.fake();
    const contact = fake.createUser({ name: 'Alice' });
    const { client, device } = await linkAndConnect(fake);
    const closed = waitForEvent(
      fake.events,
      'connection-closed',
      (c) => c.companion?.device === device.device,
      5_000,
    );
    client.end();
    await closed;
    const delivered = deliveredTypeFor(fake);

    const first = await fake.sendText(contact.pn, device.pn, 'while you were away 1');
    const second = await fake.sendText(contact.pn, device.pn, 'while you were away 2');
    expect(fake.linkedDevices()[0]?.queued).toBe(2);
    const again = resources.client(connectBaileys({ url: fake.url, auth: client.auth }));

    const one = await again.waitForText((t) => t === 'while you were away 1');
    const two = await again.waitForText((t) => t === 'while you were away 2');
    expect([one.type, two.type]).toEqual(['append', 'append']);
    expect(delivered.get(first)).toEqual({ type: 'pkmsg', offline: true });
    expect(delivered.get(second)?.offline).toBe(true);
    expect(fake.linkedDevices()[0]?.queued).toBe(0);
  });
});

describe('outgoing 1:1 text to a fake contact', () => {
  it('is decrypted by the contact (and by the own phone as deviceSentMessage) and acked', async () => {
    const { fake, contact, client, device } = await setup();
    const acked = new Set<string>();
    fake.events.on('message-acked', (id) => acked.add(id));

    const sent = await client.sock.sendMessage(contact.jid, { text: 'hi Alice' });

    const received = await fake.waitForMessage(contact.pn, (m) => m.id === sent?.key.id);
    expect(received).toMatchObject({
      text: 'hi Alice',
      from: device.jid,
      deviceSent: false,
      encType: 'pkmsg',
    });
    const own = await fake.waitForMessage(device.pn, (m) => m.id === sent?.key.id);
    expect(own).toMatchObject({ text: 'hi Alice', deviceSent: true });
    expect(acked.has(sent!.key.id!)).toBe(true);
  });

  it('turns delivery and read receipts from the contact into messages.update status 3 then 4', async () => {
    const { fake, contact, client, device } = await setup();
    const sent = await client.sock.sendMessage(contact.jid, { text: 'did you get this?' });
    const id = sent!.key.id!;
    await fake.waitForMessage(contact.pn, (m) => m.id === id);
    // Baileys folds a receipt into its own still-buffered upsert of the message; wait until that is out
    await client.waitForText((t) => t === 'did you get this?');

    expect(fake.sendReceipt(contact.pn, device.pn, [id])).toBe(1);
    const delivery = await client.messageUpdates.waitFor((u) => u.key.id === id);
    fake.sendReceipt(contact.pn, device.pn, [id], 'read');
    const read = await client.messageUpdates.waitFor(
      (u) => u.key.id === id && u.update.status === proto.WebMessageInfo.Status.READ,
    );

    expect(delivery.update.status).toBe(proto.WebMessageInfo.Status.DELIVERY_ACK);
    expect(read.key).toMatchObject({ remoteJid: contact.jid, fromMe: true });
  });
});

function deliveredTypeFor(fake: FakeWhatsApp): Map<string, { type: string; offline: boolean }> {
  const seen = new Map<string, { type: string; offline: boolean }>();
  fake.events.on('message-delivered', (_jid, id, type, offline) => seen.set(id, { type, offline }));
  return seen;
}
