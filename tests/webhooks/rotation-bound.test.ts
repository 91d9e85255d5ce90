import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolve } from '#commons/webhooks/webhook-poster.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../infra/local/webhook-receiver.ts';
import { signToken } from '../api/support/api-harness.ts';
import { webhookApp } from '../api/support/webhook-app.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

/**
 * Every rotation keeps the previous secret signing through the overlap. A
 * tenant that rotates again and again must not grow the endpoint's item (400 KB
 * cap, then a 500 on every write) or the signature header without bound.
 */
let aws: TestAws;
let receiver: WebhookReceiver;
const noDns: Resolve = async () => {
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};
beforeAll(async () => {
  aws = await createTestAws('whrot');
  receiver = await startWebhookReceiver({ secrets: [] });
});
afterAll(async () => {
  await receiver?.close();
  aws?.destroy();
});

describe('secret rotation', () => {
  it('signs with a bounded number of secrets however often it is rotated, the newest among them', async () => {
    const app = webhookApp(aws, 'loopback-http', noDns);
    const headers = { authorization: `Bearer ${await signToken({ tenant: 'rot' })}` };
    const json = { ...headers, 'content-type': 'application/json' };
    const created = await app.request('/v1/webhooks', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ url: receiver.url, events: ['*'] }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    let newest = '';
    for (let i = 0; i < 12; i++) {
      const rotated = await app.request(`/v1/webhooks/${id}/rotate-secret`, { method: 'POST', headers });
      expect(rotated.status).toBe(200);
      newest = ((await rotated.json()) as { secret: string }).secret;
    }
    // The receiver knows only the newest secret: the delivery verifies only if it signs with it.
    receiver.secrets.splice(0, receiver.secrets.length, newest);
    const test = await app.request(`/v1/webhooks/${id}/test`, { method: 'POST', headers });
    expect(((await test.json()) as { delivered: boolean }).delivered).toBe(true);
    const signatures = receiver.deliveries.at(-1)?.headers['webhook-signature']?.split(' ') ?? [];
    expect(signatures.length).toBeGreaterThanOrEqual(2);
    expect(signatures.length).toBeLessThanOrEqual(3);
    expect(receiver.deliveries.at(-1)?.verified).toBe(true);
  });
});
