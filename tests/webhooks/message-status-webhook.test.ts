/**
 * Receipts reach webhooks like any other event: DELIVERED, READ and PLAYED
 * `session:message-status` events in the log are delivered, signed, in order,
 * with their data as the host wrote it, to an endpoint that chose that type.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalWebhookDispatcher,
  startLocalWebhookDispatcher,
} from '../../infra/local/webhook-dispatcher.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../infra/local/webhook-receiver.ts';
import { createWebhookHarness, type WebhookHarness, waitFor } from './webhook-harness.ts';

let h: WebhookHarness;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  h = await createWebhookHarness('whstatus');
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
afterAll(() => h.aws.destroy());

describe('message statuses to webhooks', () => {
  it('delivers DELIVERED, READ and PLAYED with their data to an endpoint filtered on session:message-status', async () => {
    const tenant = `t-${Date.now()}-st`;
    const r: WebhookReceiver = await startWebhookReceiver({ secrets: ['whsec_x'] });
    cleanups.push(() => r.close());
    const endpoint = await h.addEndpoint(tenant, r.url, { events: ['session:message-status'] });
    r.secrets = endpoint.secrets.map((s) => s.secret);
    const d: LocalWebhookDispatcher = await startLocalWebhookDispatcher(h.env());
    cleanups.push(() => d.stop());
    const chat = '15550001111@s.whatsapp.net';
    await h.log.append({ type: 'session:message', tenantId: tenant, sessionId: 'ses_st', data: { n: 1 } });
    for (const status of ['DELIVERED', 'READ', 'PLAYED']) {
      await h.log.append({
        type: 'session:message-status',
        tenantId: tenant,
        sessionId: 'ses_st',
        data: { id: '3EB0AAAA', chat, chatPn: chat, fromMe: true, status },
      });
    }
    await waitFor('three status deliveries', () => r.acknowledged.length >= 3);
    expect(r.deliveries.every((x) => x.verified)).toBe(true);
    expect(r.acknowledged.map((x) => [x.event.type, (x.event.data as { status: string }).status])).toEqual([
      ['session:message-status', 'DELIVERED'],
      ['session:message-status', 'READ'],
      ['session:message-status', 'PLAYED'],
    ]);
    expect(r.acknowledged[0]?.event.data).toEqual({
      id: '3EB0AAAA',
      chat,
      chatPn: chat,
      fromMe: true,
      status: 'DELIVERED',
    });
  });
});
