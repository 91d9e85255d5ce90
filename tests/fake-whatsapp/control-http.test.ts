import { afterEach, describe, expect, it } from 'vitest';
import { type BaileysClient, connectBaileys } from '../support/fake-whatsapp/baileys-client.ts';
import { installCertAuthorityKey } from '../support/fake-whatsapp/cert-authority.ts';
import { type FakeProcess, startFakeProcess } from '../support/fake-whatsapp/fake-process.ts';
import type { LinkedDevice } from '../support/fake-whatsapp/pairing.ts';
import type { DeviceInfo, UserInfo } from '../support/fake-whatsapp/server.ts';
import { waitFor } from '../support/wait-for.ts';

let fake: FakeProcess | undefined;
const clients: BaileysClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.end();
  await fake?.stop();
  fake = undefined;
});

describe('fake WhatsApp in process mode, driven over its HTTP control API', () => {
  it('links by scanning a QR, relays texts both ways and removes the device', async () => {
    fake = await startFakeProcess();
    installCertAuthorityKey(Buffer.from(fake.info.caPublicKey, 'base64'));
    const contact = await fake.control<UserInfo>('POST', '/users', { name: 'Alice' });

    const pairing = connectBaileys({ url: fake.info.wsUrl });
    clients.push(pairing);
    const qr = await pairing.qrs.waitFor();
    const device = await fake.control<LinkedDevice>('POST', '/scan', { qr });
    expect((await pairing.waitForClose()).statusCode).toBe(515);

    const client = connectBaileys({ url: fake.info.wsUrl, auth: pairing.auth });
    clients.push(client);
    await client.waitForOpen();
    const devices = await fake.control<DeviceInfo[]>('GET', '/devices');
    expect(devices).toEqual([expect.objectContaining({ jid: device.jid, connected: true })]);

    await fake.control('POST', '/messages', { from: contact.pn, to: device.pn, text: 'hello over http' });
    await client.waitForText((t) => t === 'hello over http');

    const sent = await client.sock.sendMessage(contact.jid, { text: 'reply over ws' });
    const server = fake;
    const inbox = await waitFor(async () => {
      const seen: Array<{ id: string; text: string }> = await server.control(
        'GET',
        `/users/${contact.pn}/inbox`,
      );
      return seen.some((m) => m.id === sent?.key.id) && seen;
    }, 'the reply in the contact inbox');
    expect(inbox.find((m) => m.id === sent?.key.id)?.text).toBe('reply over ws');

    await fake.control('POST', `/devices/${encodeURIComponent(device.jid)}/remove`);
    expect((await client.waitForClose()).statusCode).toBe(401);
  });

  it('answers bad input with 4xx and a JSON error', async () => {
    fake = await startFakeProcess();

    await expect(fake.control('POST', '/scan', {})).rejects.toThrow('400: qr is required');
    await expect(fake.control('POST', '/scan', { qr: 'not a qr' })).rejects.toThrow('400');
    await expect(fake.control('POST', '/devices/123:1@s.whatsapp.net/drop')).rejects.toThrow('404');
    await expect(fake.control('GET', '/nope')).rejects.toThrow('404');
  });
});
