import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostHarness } from './host-harness.ts';

let h: HostHarness;
beforeEach(async () => {
  h = await HostHarness.create();
});
afterEach(async () => {
  await h.dispose();
});

describe('recipients on the host', () => {
  it('replies to a contact that wrote from a LID-addressed chat, with its @lid JID as is', async () => {
    const running = await h.startHost();
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Lena' });
    const device = await h.link(sessionId);
    await h.fake.sendText(contact.pn, device.pn, 'hello from a lid chat', { addressing: 'lid' });
    await h.waitForEvent(sessionId, (e) => e.data.text === 'hello from a lid chat');

    const session = running.host.session(sessionId);
    await session?.sendText(contact.lidJid, 'reply to the lid', '3EB0FEEDFACE00000003');
    const got = await h.fake.waitForMessage(contact.pn, (m) => m.text === 'reply to the lid');
    expect(got.id).toBe('3EB0FEEDFACE00000003');
  });

  it.each([
    ['status@broadcast'],
    ['120363025246125888@newsletter'],
    ['15550001111:3@s.whatsapp.net'],
    ['hello'],
  ])('refuses %s before anything reaches WhatsApp', async (to) => {
    const running = await h.startHost();
    const sessionId = await h.createSession();
    await h.link(sessionId);
    const session = running.host.session(sessionId);
    await expect(session?.sendText(to, 'nope', '3EB0FEEDFACE00000004')).rejects.toThrow(/phone number/);
  });
});
