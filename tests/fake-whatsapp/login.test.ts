import { afterEach, describe, expect, it } from 'vitest';
import { connectBaileys } from '../support/fake-whatsapp/baileys-client.ts';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { linkAndConnect, linkNewDevice } from '../support/fake-whatsapp/link-device.ts';

const resources = new TestResources();
afterEach(() => resources.dispose());

type IqRecord = { xmlns: string; child: string; answered: boolean };

function recordIqs(fake: Awaited<ReturnType<TestResources['fake']>>, jid: string): IqRecord[] {
  const seen: IqRecord[] = [];
  fake.events.on('iq', (from, xmlns, child, answered) => {
    if (from === jid) seen.push({ xmlns, child, answered });
  });
  return seen;
}

describe('login with saved creds', () => {
  it('answers success with the LID, counts, takes and digests the pre-key upload before open', async () => {
    const fake = await resources.fake();
    const { auth, device } = await linkNewDevice(fake);
    const iqs = recordIqs(fake, device.jid);

    const client = resources.client(connectBaileys({ url: fake.url, auth }));
    await client.waitForOpen();

    expect(auth.state.creds.me?.lid).toBe(device.lidJid);
    const loginIqs = iqs
      .filter((iq) => iq.xmlns === 'encrypt' || iq.xmlns === 'passive')
      .map((iq) => `${iq.xmlns}/${iq.child}`);
    expect(loginIqs).toEqual(['encrypt/count', 'encrypt/registration', 'passive/active', 'encrypt/digest']);
    expect(fake.linkedDevices()[0]?.preKeys).toBe(812);
  });

  it('does not take a second full pre-key upload when the server still holds the keys', async () => {
    const fake = await resources.fake();
    const { auth, device } = await linkNewDevice(fake);
    const first = resources.client(connectBaileys({ url: fake.url, auth }));
    await first.waitForOpen();
    first.end();
    const iqs = recordIqs(fake, device.jid);

    const second = resources.client(connectBaileys({ url: fake.url, auth }));
    await second.waitForOpen();

    expect(iqs.filter((iq) => iq.xmlns === 'encrypt').map((iq) => iq.child)).toEqual(['count', 'digest']);
    expect(fake.linkedDevices()[0]).toMatchObject({ logins: 2, preKeys: 812 });
  });

  it('answers keep-alive pings so the socket stays open', async () => {
    const fake = await resources.fake();
    const { auth, device } = await linkNewDevice(fake);
    const iqs = recordIqs(fake, device.jid);
    const client = resources.client(
      connectBaileys({ url: fake.url, auth, config: { keepAliveIntervalMs: 50 } }),
    );
    await client.waitForOpen();

    await new Promise<void>((resolve) => {
      const check = () =>
        iqs.filter((iq) => iq.xmlns === 'w:p').length >= 4 ? resolve() : setTimeout(check, 20);
      check();
    });

    expect(iqs.filter((iq) => iq.xmlns === 'w:p').every((iq) => iq.answered)).toBe(true);
    expect(client.updates.items.some((u) => u.connection === 'close')).toBe(false);
  });

  it('answers usync (contact, devices, lid) and hands out a pre-key bundle fetched by LID', async () => {
    const fake = await resources.fake();
    const contact = fake.createUser({ name: 'Alice' });
    const { client } = await linkAndConnect(fake);
    resources.client(client);

    const found = await client.sock.onWhatsApp(contact.pn, '15550000000');
    expect(found).toEqual([{ jid: contact.jid, exists: true }]);

    const fetched = await client.sock.assertSessions([contact.lidJid], true);
    expect(fetched).toBe(true);
    const session = await client.sock.signalRepository.validateSession(contact.lidJid);
    expect(session).toEqual({ exists: true });
  });

  it('refuses a login whose noise key does not match the linked device with 401', async () => {
    const fake = await resources.fake();
    const { auth } = await linkNewDevice(fake);
    const { auth: other } = await linkNewDevice(fake);
    other.state.creds.me = auth.state.creds.me;

    const client = resources.client(connectBaileys({ url: fake.url, auth: other }));
    const close = await client.waitForClose();

    expect(close.statusCode).toBe(401);
  });
});
