/**
 * The demo's webhook: a loopback receiver inside `npm run demo`, registered
 * for every event of the demo tenant, printing each verified delivery as a
 * `[webhook]` line in the demo's terminal.
 */
import { createApiClient } from './demo-clients.ts';
import { type FlowWebhook, registerFlowWebhook } from './flow-webhook.ts';
import { describeDelivery } from './webhook-receiver.ts';

const DESCRIPTION = 'npm run demo receiver';

/** Registers the receiver; undefined (after saying how to do it by hand) when the API refused. */
export async function startDemoWebhook(
  apiUrl: string,
  token: string,
  log: (msg: string) => void,
): Promise<FlowWebhook | undefined> {
  const api = createApiClient(apiUrl, token);
  // A demo killed before it could delete its endpoint left one behind in the state folder.
  const { webhooks = [] } = (await api.expect(200, 'GET', '/v1/webhooks')) as {
    webhooks?: { id: string; description?: string }[];
  };
  for (const stale of webhooks.filter((w) => w.description === DESCRIPTION))
    await api.request('DELETE', `/v1/webhooks/${encodeURIComponent(stale.id)}`);
  try {
    return await registerFlowWebhook(api, {
      description: DESCRIPTION,
      onDelivery: (d) => console.log(`[webhook] ${describeDelivery(d)}`),
    });
  } catch (err) {
    log(
      `webhook receiver not registered (${(err as Error).message}); register one by hand: npm run webhook-receiver -- --secret <secret of POST /v1/webhooks>`,
    );
    return undefined;
  }
}
