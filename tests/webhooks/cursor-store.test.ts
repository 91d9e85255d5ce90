import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHarness, type WebhookHarness } from './webhook-harness.ts';

let h: WebhookHarness;
beforeAll(async () => {
  h = await createWebhookHarness('whc');
});
afterAll(() => h.aws.destroy());

describe('webhook cursor leases', () => {
  it('a drain whose finish met a new nudge claims its own cursor again at once; another owner cannot', async () => {
    const key = { endpointId: `whk_${Date.now()}`, sessionId: 'ses_nudge' };
    const now = Date.now();
    await h.cursors.markDirty(key, 't', now);
    const first = await h.cursors.claim(key, 't', 'me', now, 15_000);
    expect(first?.nudges).toBe(1);
    // An event was appended while the drain read the log.
    await h.cursors.markDirty(key, 't', now);
    expect(await h.cursors.finish(key, 'me', first?.nudges ?? 0)).toBe(false);
    expect(await h.cursors.claim(key, 't', 'other', now + 1, 15_000)).toBeUndefined();
    const again = await h.cursors.claim(key, 't', 'me', now + 1, 15_000);
    expect(again?.nudges).toBe(2);
    expect(await h.cursors.finish(key, 'me', again?.nudges ?? 0)).toBe(true);
  });
});
