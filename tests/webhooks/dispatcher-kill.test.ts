import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#commons/config/env-names.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../infra/local/webhook-receiver.ts';
import { isAlive, waitUntilDead } from '../support/processes.ts';
import { createWebhookHarness, type WebhookHarness, waitFor } from './webhook-harness.ts';

let h: WebhookHarness;
const children: ChildProcess[] = [];
let r: WebhookReceiver | undefined;

beforeAll(async () => {
  h = await createWebhookHarness('whk');
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.pid && isAlive(c.pid)) c.kill('SIGKILL');
  await r?.close();
});
afterAll(() => h.aws.destroy());

/** The dispatcher as the local runtime runs it: its own process, the composition root, the stream poller. */
function spawnDispatcher(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/webhook-dispatcher.ts'], {
    env: h.env({ [ENV.webhookTimeoutMs]: '1000', [ENV.logLevel]: 'warn' }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

describe('the dispatcher killed with SIGKILL mid-delivery', () => {
  it('delivers everything at least once and in order; only the unanswered webhook-id is sent again', async () => {
    const tenant = `t-${Date.now()}-kill`;
    let hangAt: number | undefined;
    r = await startWebhookReceiver({
      secrets: [],
      // The 12th delivery is never answered: the dispatcher is killed while waiting for it.
      respond: (d) => {
        if (r?.deliveries.length !== 12 || hangAt !== undefined) return 200;
        hangAt = Number(d.event.seq);
        return 'hang';
      },
    });
    const endpoint = await h.addEndpoint(tenant, r.url);
    r.secrets = endpoint.secrets.map((s) => s.secret);
    const first = spawnDispatcher();
    await h.append(tenant, 'ses_k', 30);
    await waitFor('the dispatcher to hold the 12th request', () => hangAt !== undefined, 30_000);
    first.kill('SIGKILL');
    expect(await waitUntilDead([first.pid as number])).toEqual([]);

    spawnDispatcher();
    await waitFor('all 30 acknowledged', () => (r?.acknowledged.length ?? 0) >= 30, 40_000);
    const acked = r.acknowledged.map((d) => Number(d.event.seq));
    expect(acked).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(r.deliveries.every((d) => d.verified)).toBe(true);
    // Every id sent more than once: only the one whose attempt was never answered.
    const counts = new Map<string, number>();
    for (const d of r.deliveries) counts.set(d.id, (counts.get(d.id) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    const hungId = r.deliveries.find((d) => Number(d.event.seq) === hangAt)?.id;
    expect(repeated).toEqual([hungId]);
  }, 90_000);
});
