import { afterEach, describe, expect, it } from 'vitest';
import { connectBaileys } from '../support/fake-whatsapp/baileys-client.ts';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { PairingError } from '../support/fake-whatsapp/pairing.ts';

const resources = new TestResources();
afterEach(() => resources.dispose());

describe('pairing with a code (requestPairingCode)', () => {
  it('links the client when the code is typed on the phone, then opens with the saved creds', async () => {
    const fake = await resources.fake();
    const phone = fake.createUser({ name: 'Phone' });
    const pairing = resources.client(connectBaileys({ url: fake.url }));
    await pairing.qrs.waitFor();

    const code = await pairing.sock.requestPairingCode(phone.pn);
    const device = await fake.enterPairingCode(phone.pn, code);

    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(device).toMatchObject({ pn: phone.pn, device: 1 });
    expect((await pairing.waitForClose()).statusCode).toBe(515);
    expect(pairing.auth.state.creds.me?.id).toBe(device.jid);
    const client = resources.client(connectBaileys({ url: fake.url, auth: pairing.auth }));
    await client.waitForOpen();
    expect(fake.linkedDevices()).toEqual([expect.objectContaining({ jid: device.jid, connected: true })]);
  });

  it('refuses a wrong code and links nothing', async () => {
    const fake = await resources.fake();
    const phone = fake.createUser();
    const pairing = resources.client(connectBaileys({ url: fake.url }));
    await pairing.qrs.waitFor();
    const code = await pairing.sock.requestPairingCode(phone.pn);
    const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;

    const attempt = fake.enterPairingCode(phone.pn, wrong);

    await expect(attempt).rejects.toThrow(PairingError);
    await expect(attempt).rejects.toThrow('pairing code rejected');
    expect(fake.linkedDevices()).toEqual([]);
  });

  it('refuses a code for a number no client asked to link', async () => {
    const fake = await resources.fake();

    const phone = fake.createUser();

    await expect(fake.enterPairingCode(phone.pn, 'ABCDEFGH')).rejects.toThrow('no client is waiting');
  });
});
