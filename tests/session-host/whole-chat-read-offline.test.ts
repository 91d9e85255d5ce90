/**
 * A whole-chat read covers messages WhatsApp queued while the session was
 * away (Baileys delivers them as upsert type `append`): those are exactly the
 * ones a user has not read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

const TOKEN = 'internal-token-for-whole-chat-read-tests-01';
let h: HostHarness;
beforeAll(async () => {
  h = await HostHarness.create();
}, 60_000);
afterAll(async () => {
  await h.dispose();
});

describe('a whole-chat read', () => {
  it('marks read the messages that arrived while the session was offline', async () => {
    const first = await h.startHost();
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Ode' });
    const device = await h.link(sessionId);
    await h.stopHost(first);
    await h.fake.sendText(contact.pn, device.pn, 'away 1');
    await h.fake.sendText(contact.pn, device.pn, 'away 2');
    const running = await h.startHost();
    const ids: string[] = [];
    for (const text of ['away 1', 'away 2']) {
      const event = await h.waitForEvent(sessionId, (e) => e.data.text === text);
      expect(event.data.offline).toBe(true);
      ids.push(event.data.id as string);
    }
    await waitFor(async () => (await h.record(sessionId))?.status === 'CONNECTED', 'CONNECTED again');
    const app = createInternalApi(running.host, running.metrics, TOKEN);
    const res = await app.request(`/internal/sessions/${sessionId}/read`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chat: contact.pn }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ read: 2 });
    const readIds = () => h.fake.receipts.filter((r) => r.type === 'read').flatMap((r) => r.ids);
    await waitFor(
      () => ids.every((id) => readIds().includes(id)),
      () => `read receipts for ${ids}`,
    );
  });
});
