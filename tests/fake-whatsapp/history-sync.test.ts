import { proto } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { linkAndConnect } from '../support/fake-whatsapp/link-device.ts';

const resources = new TestResources();
afterEach(() => resources.dispose());

describe('history sync injected by the fake phone', () => {
  it('reaches Baileys as messaging-history.set with the injected chat messages', async () => {
    const fake = await resources.fake();
    const contact = fake.createUser({ name: 'Alice' });
    const { client, device } = await linkAndConnect(fake, {
      config: { shouldSyncHistoryMessage: () => true },
    });
    resources.client(client);

    const id = await fake.injectHistorySync(device.pn, {
      messages: [
        { chatWith: contact.pn, text: 'old message from Alice', id: 'HIST-1' },
        { chatWith: contact.pn, text: 'my old answer', fromMe: true, id: 'HIST-2' },
      ],
    });

    const history = await client.histories.waitFor((h) => h.messages.length > 0);
    expect(history.messages.map((m) => [m.key?.id, m.message?.conversation])).toEqual([
      ['HIST-1', 'old message from Alice'],
      ['HIST-2', 'my old answer'],
    ]);
    expect(history.chats.map((c) => c.id)).toContain(contact.jid);
    const receipt = await fake.waitForReceipt((r) => r.id === id && r.type === 'hist_sync');
    expect(receipt.from).toBe(device.jid);
  });

  it('is pushed by the phone after a first login when historySyncOnFirstLogin is set', async () => {
    const fake = await resources.fake({ historySyncOnFirstLogin: true });
    const { client } = await linkAndConnect(fake, { config: { shouldSyncHistoryMessage: () => true } });
    resources.client(client);

    const history = await client.histories.waitFor();

    expect(history.syncType).toBe(proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP);
    expect(history.messages).toEqual([]);
  });
});
