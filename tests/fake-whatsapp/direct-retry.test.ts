import { afterEach, describe, expect, it } from 'vitest';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { linkAndConnect } from '../support/fake-whatsapp/link-device.ts';

const resources = new TestResources();
afterEach(() => resources.dispose());

/**
 * A client that lost its Signal session with a contact cannot decrypt the
 * contact's next message and asks for it again with retry receipts. The
 * contact's phone answers as WhatsApp clients do: again on its session, then
 * from the key bundle the client sends with its second retry.
 */
describe('retry receipts for 1:1 messages', () => {
  it('a message the client could not decrypt arrives after its retry receipts', async () => {
    const fake = await resources.fake();
    const contact = fake.createUser({ name: 'Alice' });
    const { client, device } = await linkAndConnect(fake);
    resources.client(client);
    const retried: { id: string; type: string; count: number }[] = [];
    fake.events.on('message-retried', (_jid, id, type, count) => retried.push({ id, type, count }));

    await fake.sendText(contact.pn, device.pn, 'first');
    await client.waitForText((t) => t === 'first');
    const sessions = [...client.auth.keys.keys()].filter((k) => k.startsWith('session:'));
    expect(sessions.length).toBeGreaterThan(0);
    for (const key of sessions) client.auth.keys.delete(key);

    const id = await fake.sendText(contact.pn, device.pn, 'after the loss');
    const { message } = await client.waitForText((t) => t === 'after the loss', 15_000);
    expect(message.key?.id).toBe(id);
    expect(retried.filter((r) => r.id === id).at(-1)).toMatchObject({ type: 'pkmsg' });
    await fake.waitForReceipt((r) => r.id === id && r.type !== 'retry');
  });

  it('does not answer a retry for a message that was already receipted', async () => {
    const fake = await resources.fake();
    const contact = fake.createUser({ name: 'Bob' });
    const { client, device } = await linkAndConnect(fake);
    resources.client(client);
    const retried: string[] = [];
    fake.events.on('message-retried', (_jid, id) => retried.push(id));

    const id = await fake.sendText(contact.pn, device.pn, 'fine');
    await client.waitForText((t) => t === 'fine');
    await fake.waitForReceipt((r) => r.id === id && r.type !== 'retry');
    await client.sock.sendReceipt(contact.jid, undefined, [id], 'retry' as never);
    await fake.waitForReceipt((r) => r.id === id && r.type === 'retry');
    expect(retried).toEqual([]);
  });

  it('a contact that cannot decrypt a client message asks for it again, and gets it on a fresh session', async () => {
    const fake = await resources.fake();
    const contact = fake.createUser({ name: 'Carol' });
    const { client, device } = await linkAndConnect(fake);
    resources.client(client);
    const asked: { id: string; count: number }[] = [];
    fake.events.on('retry-requested', (_jid, id, count) => asked.push({ id, count }));

    await client.sock.sendMessage(contact.jid, { text: 'first' });
    await fake.waitForMessage(contact.pn, (m) => m.text === 'first');
    fake.forgetSessions(contact.pn, device.pn);

    const sent = await client.sock.sendMessage(contact.jid, { text: 'after the restore' });
    const got = await fake.waitForMessage(contact.pn, (m) => m.text === 'after the restore', 15_000);
    expect(got.id).toBe(sent?.key.id);
    expect(got.encType).toBe('pkmsg');
    expect(asked).toEqual([{ id: sent?.key.id, count: 1 }]);
    expect(fake.inbox(contact.pn).filter((m) => m.text === 'after the restore')).toHaveLength(1);
  });
});
