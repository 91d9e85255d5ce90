import { afterEach, describe, expect, it } from 'vitest';
import { TestResources } from '../support/fake-whatsapp/harness.ts';
import { linkAndConnect } from '../support/fake-whatsapp/link-device.ts';
import { waitForEvent } from '../support/fake-whatsapp/wait-for.ts';

const resources = new TestResources();
afterEach(() => resources.dispose());

// Its own file: Baileys only gives up keepAlive + 5 s after the last frame, so this test mostly waits.
describe('keep-alive against the fake', () => {
  it('reports 408 when pings go unanswered', async () => {
    const fake = await resources.fake();
    const { client, device } = await linkAndConnect(fake, { config: { keepAliveIntervalMs: 100 } });
    resources.client(client);
    const unanswered = waitForEvent(
      fake.events,
      'iq',
      (_jid, xmlns, _c, answered) => xmlns === 'w:p' && !answered,
      5_000,
    );

    fake.stopAnsweringPings(device.jid);
    await unanswered;
    const close = await client.waitForClose(15_000);

    expect(close.statusCode).toBe(408);
    expect(close.message).toBe('Connection was lost');
  });
});
