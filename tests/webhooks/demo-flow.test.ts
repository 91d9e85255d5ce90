import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompleteFlow } from '../../infra/local/demo-scenario.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../infra/local/webhook-receiver.ts';
import { type DemoProcess, startDemoProcess } from '../e2e/demo-process.ts';
import { waitFor } from './webhook-harness.ts';

describe('webhooks in npm run demo (real processes)', () => {
  let stateDir: string;
  let demo: DemoProcess | undefined;
  let receiver: WebhookReceiver | undefined;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'zapfleet-wh-'));
    demo = await startDemoProcess(stateDir, { ZAPFLEET_QR_TIMEOUT_MS: '2000', ZAPFLEET_HOSTS: '1' });
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await demo?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('a standardwebhooks receiver verifies every event of the complete flow, in seq order with no gap', async () => {
    if (!demo) throw new Error('the demo did not start');
    const { info } = demo;
    receiver = await startWebhookReceiver({ secrets: [] });
    const created = await fetch(`${info.apiUrl}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, events: ['*'] }),
    });
    expect(created.status).toBe(201);
    receiver.secrets = [((await created.json()) as { secret: string }).secret];

    const flow = await runCompleteFlow({
      apiUrl: info.apiUrl,
      wsUrl: info.wsUrl,
      token: info.token,
      sessionName: 'webhook-flow',
      scan: { controlUrl: info.controlUrl, phone: info.phone.pn, contact: info.contacts[0]?.pn ?? '' },
    });
    const res = await fetch(`${info.apiUrl}/v1/sessions/${flow.sessionId}/events?after=0&limit=1000`, {
      headers: { authorization: `Bearer ${info.token}` },
    });
    const { lastSeq } = (await res.json()) as { lastSeq: number };
    const mine = () => receiver?.acknowledged.filter((d) => d.event.sessionId === flow.sessionId) ?? [];
    await waitFor(
      `webhook deliveries up to seq ${lastSeq}`,
      () => mine().some((d) => d.event.seq === lastSeq),
      30_000,
    );

    expect(receiver.deliveries.every((d) => d.verified)).toBe(true);
    const seqs = mine().map((d) => Number(d.event.seq));
    // At least once: a repeat may follow itself, but nothing is out of order or missing.
    const distinct = seqs.filter((s, i) => s !== seqs[i - 1]);
    expect(distinct).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    const types = new Set(mine().map((d) => d.event.type));
    // The demo's fake sends no delivery receipt for the reply, so no session:message-status is required.
    for (const t of ['session:status', 'qr', 'session:connected', 'session:message'])
      expect(types).toContain(t);
    const text = mine().find((d) => d.event.type === 'session:message')?.event.data as { text?: string };
    expect(text.text).toBe(flow.incomingText);
  }, 90_000);

  it('the demo prints its own receiver’s deliveries, and the flow with webhook reports every event received in order', async () => {
    if (!demo) throw new Error('the demo did not start');
    const { info } = demo;
    expect(info.webhook?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const flow = await runCompleteFlow({
      apiUrl: info.apiUrl,
      wsUrl: info.wsUrl,
      token: info.token,
      sessionName: 'webhook-flow-2',
      scan: { controlUrl: info.controlUrl, phone: info.phone.pn, contact: info.contacts[0]?.pn ?? '' },
      webhook: true,
    });
    expect(flow.steps[0]?.name).toBe('register webhook');
    expect(flow.steps.at(-1)?.name).toBe('webhook received the flow');
    const res = await fetch(`${info.apiUrl}/v1/sessions/${flow.sessionId}/events?after=0&limit=1`, {
      headers: { authorization: `Bearer ${info.token}` },
    });
    const { lastSeq } = (await res.json()) as { lastSeq: number };
    expect(flow.webhook?.lastSeq).toBe(lastSeq);
    expect(flow.webhook?.count).toBeGreaterThanOrEqual(lastSeq);
    // The demo's own receiver printed the session's deliveries, verified.
    await waitFor('a [webhook] line of the flow’s session in the demo output', () =>
      demo
        ?.output()
        .split('\n')
        .some((l) => l.startsWith('[webhook] verified') && l.includes(flow.sessionId)),
    );
    // The flow deleted its endpoint; the demo's stays.
    const list = await fetch(`${info.apiUrl}/v1/webhooks`, {
      headers: { authorization: `Bearer ${info.token}` },
    });
    const ids = ((await list.json()) as { webhooks: { id: string; url: string }[] }).webhooks.map(
      (w) => w.url,
    );
    expect(ids).toContain(info.webhook?.url);
    expect(ids.filter((u) => u !== info.webhook?.url && u !== receiver?.url)).toEqual([]);
  }, 90_000);
});
