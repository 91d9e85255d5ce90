import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';

/** The per-tenant REST rate against real DynamoDB Local: a bucket item per tenant, shared by every instance. */
const RATE = { perSecond: 1, burst: 5 };
let h: ApiHarness;
beforeAll(async () => {
  h = await createApiHarness('rates', { limits: { requestRate: RATE } });
});
afterAll(() => h.destroy());

describe('the per-tenant request rate', () => {
  it('refuses a flooding tenant with 429 RATE_LIMITED and Retry-After while another tenant is unaffected', async () => {
    const [noisy, quiet] = [await h.adminToken('noisy'), await h.adminToken('quiet')];
    const started = Date.now();
    const list = (token: string) => h.request('GET', '/v1/sessions', { token });
    const [noisyAnswers, quietAnswers] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, () => list(noisy))),
      Promise.all(Array.from({ length: RATE.burst }, () => list(quiet))),
    ]);
    const elapsedSeconds = (Date.now() - started) / 1000;
    expect(quietAnswers.map((r) => r.status)).toEqual(Array(RATE.burst).fill(200));
    const passed = noisyAnswers.filter((r) => r.status === 200).length;
    // The burst, plus what the rate refilled while the requests ran.
    expect(passed).toBeGreaterThanOrEqual(RATE.burst);
    expect(passed).toBeLessThanOrEqual(RATE.burst + Math.ceil(elapsedSeconds * RATE.perSecond));
    const refused = noisyAnswers.find((r) => r.status === 429) as Response;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', details: { limit: 'tenantRequestRate' } },
    });
  });

  it('lets a refused tenant through again once the rate refills', async () => {
    const token = await h.adminToken('refill');
    const answers = await Promise.all(
      Array.from({ length: RATE.burst + 3 }, () => h.request('GET', '/v1/sessions', { token })),
    );
    const refused = answers.find((r) => r.status === 429) as Response;
    const wait = Number(refused.headers.get('retry-after'));
    // Retry-After is the contract under test: waiting it out must be enough.
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    expect((await h.request('GET', '/v1/sessions', { token })).status).toBe(200);
  });
});
