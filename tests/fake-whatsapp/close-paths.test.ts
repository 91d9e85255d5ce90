import type { UserFacingSocketConfig } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { connectBaileys } from '../support/fake-whatsapp/baileys-client.ts';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { linkAndConnect, linkNewDevice } from '../support/fake-whatsapp/link-device.ts';
import { waitForEvent } from '../support/fake-whatsapp/wait-for.ts';

const resources = new TestResources();
afterEach(() => resources.dispose());

async function connected(config?: Partial<UserFacingSocketConfig>) {
  const fake = await resources.fake();
  const { client, device } = await linkAndConnect(fake, config ? { config } : {});
  resources.client(client);
  return { fake, client, device };
}

describe('close paths and the codes Baileys reports', () => {
  it('reports 401 when the phone removes the device, and refuses its creds afterwards', async () => {
    const { fake, client, device } = await connected();

    expect(fake.removeDevice(device.jid)).toBe(true);
    const close = await client.waitForClose();

    expect(close.statusCode).toBe(401);
    expect(fake.linkedDevices()).toEqual([expect.objectContaining({ jid: device.jid, removed: true })]);
    const again = resources.client(connectBaileys({ url: fake.url, auth: client.auth }));
    expect((await again.waitForClose()).statusCode).toBe(401);
  });

  it('lets the newest login win: the older socket closes with 440', async () => {
    const { fake, client, device } = await connected();

    const second = resources.client(connectBaileys({ url: fake.url, auth: client.auth }));
    const close = await client.waitForClose();
    await second.waitForOpen();

    expect(close.statusCode).toBe(440);
    expect(fake.connections().filter((c) => c.jid === device.jid)).toHaveLength(1);
    expect(fake.linkedDevices()[0]).toMatchObject({ connected: true, logins: 2 });
  });

  it('can force a conflict on a live connection (440)', async () => {
    const { fake, client, device } = await connected();

    fake.replaceConnection(device.jid);

    expect((await client.waitForClose()).statusCode).toBe(440);
  });

  it('reports 428 when the server ends the stream', async () => {
    const { fake, client, device } = await connected();

    const closed = waitForEvent(fake.events, 'connection-closed', () => true, 5_000);

    fake.endStream(device.jid);

    expect((await client.waitForClose()).statusCode).toBe(428);
    await closed;
    expect(fake.linkedDevices()[0]).toMatchObject({ connected: false, removed: false });
  });

  it('reports 428 when the TCP connection drops', async () => {
    const { fake, client, device } = await connected();

    fake.dropConnection(device.jid);

    expect((await client.waitForClose()).statusCode).toBe(428);
    expect(fake.connections()).toEqual([]);
    expect(fake.linkedDevices()[0]).toMatchObject({ connected: false, removed: false });
  });

  it('reports 503 on <failure reason=503/> on a live connection and at login', async () => {
    const { fake, client, device } = await connected();

    fake.sendFailure(device.jid, 503);
    expect((await client.waitForClose()).statusCode).toBe(503);

    fake.failNextLogin(device.jid, 503);
    const again = resources.client(connectBaileys({ url: fake.url, auth: client.auth }));
    expect((await again.waitForClose()).statusCode).toBe(503);
    expect(fake.linkedDevices()[0]).toMatchObject({ removed: false, logins: 1 });
  });

  it('marks the device removed when the client logs out', async () => {
    const { fake, client, device } = await connected();

    await client.sock.logout();

    expect((await client.waitForClose()).statusCode).toBe(401);
    expect(fake.linkedDevices()).toEqual([expect.objectContaining({ jid: device.jid, removed: true })]);
  });

  it('ends every QR session on demand with 408 and leaves nothing scannable', async () => {
    const fake = await resources.fake();
    const client = resources.client(connectBaileys({ url: fake.url }));
    const qr = await client.qrs.waitFor();

    expect(fake.expireQrRefs()).toBe(1);
    const close = await client.waitForClose();

    expect(close).toEqual({ statusCode: 408, message: 'QR refs attempts ended' });
    await expect(fake.scanQr(qr)).rejects.toThrow();
  });

  it('does not pair a client that never showed a QR', async () => {
    const fake = await resources.fake();
    const { auth } = await linkNewDevice(fake);

    const client = resources.client(connectBaileys({ url: fake.url, auth }));
    await client.waitForOpen();

    expect(client.qrs.items).toEqual([]);
  });
});
