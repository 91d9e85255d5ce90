/**
 * A contact's message arriving while our first send to that contact waits for
 * WhatsApp (its pre-key fetch, answered late) must neither stall the send nor
 * stay undecrypted: both go through libsignal's queue for the contact's
 * address, which belongs to the process. Real Baileys, the fake WhatsApp.
 *
 * This is the scenario, not a replay of the deadlock the chaos benchmark found
 * there (seed 2, session 13): in rc14's flow the window between a send taking
 * the Signal sessions and queueing its encrypt cannot be widened from outside,
 * so this passes without that fix too. The deadlock itself is shown, and fails
 * without the fix, in commit-before-wire.unit.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostHarness } from './host-harness.ts';

let h: HostHarness;
beforeEach(async () => {
  h = await HostHarness.create();
});
afterEach(async () => {
  await h.dispose();
});

/** The pre-key fetch of a first send: WhatsApp answers it this late, and the contact's message lands meanwhile. */
const SLOW_PREKEY_FETCH_MS = 1_500;

describe('a first send and a message from the same contact, crossing', () => {
  it('both go through: the send reaches the contact and the message becomes an event', async () => {
    const running = await h.startHost();
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Crossing' });
    const device = await h.link(sessionId);
    // The contact wrote first: a Signal session and its LID are known, as on any chat after a takeover.
    await h.fake.sendText(contact.pn, device.pn, 'hello first');
    await h.waitForEvent(sessionId, (e) => e.type === 'session:message');

    h.fake.delayIqAnswers('encrypt', 'key', SLOW_PREKEY_FETCH_MS);
    let crossed: Promise<string> | undefined;
    h.fake.events.on('iq', (_jid, xmlns, child) => {
      if (xmlns === 'encrypt' && child === 'key' && !crossed)
        crossed = h.fake.sendText(contact.pn, device.pn, 'crossing your first message');
    });

    await running.host.session(sessionId)?.sendText(contact.pn, 'my first message', '3EB0DD00000000000001');
    expect(crossed, 'the send fetched the contact’s pre-keys').toBeDefined();
    const got = await h.fake.waitForMessage(contact.pn, (m) => m.text === 'my first message');
    expect(got.id).toBe('3EB0DD00000000000001');
    const incoming = await h.waitForEvent(
      sessionId,
      (e) => e.type === 'session:message' && e.data.text !== 'hello first',
      20_000,
    );
    expect(incoming.data).toMatchObject({ id: await crossed, text: 'crossing your first message' });
  });
});
