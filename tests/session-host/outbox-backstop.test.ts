/**
 * An idle session costs no send-queue read per reconcile round: its queue is
 * read when a nudge or its connect says there may be work, and otherwise once
 * per backstop. No queued message is left behind by that.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbSendQueue } from '#commons/storage/dynamodb-send-queue.ts';
import { type ApiHarness, createApiHarness } from '../api/support/api-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

let h: HostHarness;
let api: ApiHarness;
beforeEach(async () => {
  h = await HostHarness.create();
  api = await createApiHarness('backstop', { aws: h.aws });
  api.now = new Date();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await h.dispose();
});

async function queue(sessionId: string, to: string, text: string): Promise<string> {
  const token = await api.adminToken('acme');
  const res = await api.request('POST', `/v1/sessions/${sessionId}/messages`, { token, body: { to, text } });
  expect(res.status).toBe(202);
  api.now = new Date(api.now.getTime() + 1);
  return ((await res.json()) as { messageId: string }).messageId;
}

describe('send-queue reads of idle sessions', () => {
  it('reads an idle connected session’s queue at most once over many reconcile rounds', async () => {
    const running = await h.startHost('host-1');
    const sessionId = await h.createSession();
    await h.link(sessionId);
    // Whatever the connect and the first rounds read, the queue is now known empty.
    await running.rounds.after(2);
    await waitFor(() => running.host.perSessionEntries().outboxDrains === 0, 'no drain under way');
    const pending = vi.spyOn(DynamoDbSendQueue.prototype, 'pending');
    for (let i = 0; i < 6; i++) await running.host.reconcileAll();
    await waitFor(() => running.host.perSessionEntries().outboxDrains === 0, 'no drain under way');
    expect(pending.mock.calls.filter(([id]) => id === sessionId).length).toBeLessThanOrEqual(1);
  });

  it('still sends a message nudged to the host (the API’s path)', async () => {
    const { host } = await h.startHost('host-1');
    const sessionId = await h.createSession();
    await h.link(sessionId);
    for (let i = 0; i < 3; i++) await host.reconcileAll();
    api.hostClient.onNudge = () => host.reconcileSession(sessionId);
    const contact = h.fake.createUser({ name: 'Nudged' });
    const id = await queue(sessionId, contact.pn, 'nudged');
    await h.fake.waitForMessage(contact.pn, (m) => m.id === id && !m.deviceSent);
  });

  it('sends a message queued while the session’s host was away once a host runs it again', async () => {
    const first = await h.startHost('host-1');
    const sessionId = await h.createSession();
    await h.link(sessionId);
    await h.stopHost(first);
    // Nobody to nudge: the message waits in the outbox.
    api.hostClient.onNudge = async () => undefined;
    const contact = h.fake.createUser({ name: 'Away' });
    const id = await queue(sessionId, contact.pn, 'queued while away');
    await h.startHost('host-1');
    await h.fake.waitForMessage(contact.pn, (m) => m.id === id && !m.deviceSent, 30_000);
  });
});
