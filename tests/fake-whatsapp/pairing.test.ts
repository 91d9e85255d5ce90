import { afterEach, describe, expect, it } from 'vitest';
import { connectBaileys } from '../support/fake-whatsapp/baileys-client.ts';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { linkNewDevice } from '../support/fake-whatsapp/link-device.ts';
import { PairingError, parseQr } from '../support/fake-whatsapp/pairing.ts';
import { waitForEvent } from '../support/fake-whatsapp/wait-for.ts';

const resources = new TestResources();
afterEach(() => resources.dispose());

describe('QR pairing against the fake', () => {
  it('refreshes the QR with each new ref, then closes with 408 when the refs run out', async () => {
    const fake = await resources.fake({ qrRefs: 3 });
    const client = resources.client(connectBaileys({ url: fake.url, config: { qrTimeout: 150 } }));
    const closed = waitForEvent(fake.events, 'connection-closed', () => true, 10_000);

    const close = await client.waitForClose();

    const refs = client.qrs.items.map((qr) => parseQr(qr).ref);
    expect(refs).toHaveLength(3);
    expect(new Set(refs).size).toBe(3);
    expect(close.statusCode).toBe(408);
    expect(close.message).toBe('QR refs attempts ended');
    await closed;
    expect(fake.connections()).toEqual([]);
    expect(fake.linkedDevices()).toEqual([]);
  });

  it('links a scanned client: pair-success, pair-device-sign, 515, then open with the saved creds', async () => {
    const fake = await resources.fake();
    const phone = fake.createUser({ name: 'Phone' });

    const { auth, device } = await linkNewDevice(fake, { phone: phone.pn });

    expect(device).toMatchObject({ pn: phone.pn, lid: phone.lid, device: 1 });
    expect(auth.state.creds.me?.id).toBe(`${phone.pn}:1@s.whatsapp.net`);
    expect(auth.state.creds.me?.lid).toBe(`${phone.lid}:1@lid`);
    expect(auth.state.creds.account?.deviceSignature?.length).toBe(64);
    expect(fake.linkedDevices()).toEqual([expect.objectContaining({ jid: device.jid, logins: 0 })]);

    const client = resources.client(connectBaileys({ url: fake.url, auth }));
    await client.waitForOpen();

    expect(client.sock.user?.id).toBe(device.jid);
    expect(fake.linkedDevices()).toEqual([
      expect.objectContaining({ jid: device.jid, connected: true, logins: 1 }),
    ]);
  });

  it('gives every device linked to one phone its own device number', async () => {
    const fake = await resources.fake();
    const phone = fake.createUser();

    const first = await linkNewDevice(fake, { phone: phone.pn });
    const second = await linkNewDevice(fake, { phone: phone.pn });

    expect([first.device.device, second.device.device]).toEqual([1, 2]);
  });

  it('refuses a scan of an expired ref and of a ref it never issued', async () => {
    const fake = await resources.fake({ qrRefTtlMs: 1 });
    const client = resources.client(connectBaileys({ url: fake.url }));
    const qr = await client.qrs.waitFor();
    // The ref's 1 ms lifetime is a clock rule in the fake: this is the time it must outlive.
    await new Promise((resolve) => setTimeout(resolve, 5));

    await expect(fake.scanQr(qr)).rejects.toThrow(PairingError);
    await expect(fake.scanQr(qr.replace('#2@', '#2@x'))).rejects.toThrow('unknown QR ref');
    expect(fake.linkedDevices()).toEqual([]);
  });
});
