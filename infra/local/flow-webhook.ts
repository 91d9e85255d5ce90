/**
 * The webhook side of the complete flow: an in-process receiver on loopback
 * (verifying with `standardwebhooks`) registered as an endpoint of the
 * tenant before the flow, and the check after it that the receiver got
 * every event of the flow's session, verified and in seq order. Through
 * public interfaces only (the HTTP API and a receiver anyone could write).
 */
import { type ApiClient, FlowError, poll } from './demo-clients.ts';
import { type ReceivedDelivery, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

export interface FlowWebhook {
  readonly url: string;
  readonly endpointId: string;
  readonly receiver: WebhookReceiver;
  /** Deletes the endpoint and closes the receiver. */
  close(): Promise<void>;
}

export interface FlowDeliveries {
  /** Deliveries of the session acknowledged by the receiver (repeats included). */
  readonly count: number;
  /** The session's last seq: every seq from 1 to it arrived, in order. */
  readonly lastSeq: number;
}

/** Starts a loopback receiver and registers it for every event of the tenant. */
export async function registerFlowWebhook(
  api: ApiClient,
  options: { port?: number; description?: string; onDelivery?: (d: ReceivedDelivery) => void } = {},
): Promise<FlowWebhook> {
  const receiver = await startWebhookReceiver({
    secrets: [],
    ...(options.port !== undefined && { port: options.port }),
    ...(options.onDelivery && { onDelivery: options.onDelivery }),
  });
  try {
    const created = await api.expect(201, 'POST', '/v1/webhooks', {
      url: receiver.url,
      events: ['*'],
      description: options.description ?? 'npm run flow receiver',
    });
    receiver.secrets = [String(created.secret)];
    const endpointId = String(created.id);
    return {
      url: receiver.url,
      endpointId,
      receiver,
      close: async () => {
        await api.request('DELETE', `/v1/webhooks/${encodeURIComponent(endpointId)}`).catch(() => undefined);
        await receiver.close();
      },
    };
  } catch (err) {
    await receiver.close();
    throw err;
  }
}

/** Waits until the receiver has the session's last event, then checks all of it arrived verified and in order. */
export async function flowDeliveries(
  api: ApiClient,
  webhook: FlowWebhook,
  sessionId: string,
  timeoutMs: number,
): Promise<FlowDeliveries> {
  const path = `/v1/sessions/${encodeURIComponent(sessionId)}/events?after=0&limit=1`;
  const lastSeq = Number((await api.expect(200, 'GET', path)).lastSeq);
  const mine = (): ReceivedDelivery[] =>
    webhook.receiver.deliveries.filter((d) => d.event.sessionId === sessionId);
  await poll(
    async () =>
      webhook.receiver.acknowledged.some((d) => d.event.sessionId === sessionId && d.event.seq === lastSeq)
        ? true
        : undefined,
    `the webhook delivery of seq ${lastSeq}`,
    timeoutMs,
  );
  const unverified = mine().filter((d) => !d.verified);
  if (unverified.length > 0)
    throw new FlowError(`${unverified.length} webhook deliveries failed standardwebhooks verification`);
  const acknowledged = webhook.receiver.acknowledged.filter((d) => d.event.sessionId === sessionId);
  // At least once: a repeat may follow itself, but nothing is out of order or missing.
  const seqs = acknowledged.map((d) => Number(d.event.seq)).filter((s, i, all) => s !== all[i - 1]);
  const expected = Array.from({ length: lastSeq }, (_, i) => i + 1);
  if (seqs.join(',') !== expected.join(','))
    throw new FlowError(`webhook deliveries out of seq order or with a gap: ${seqs.join(',')}`);
  return { count: acknowledged.length, lastSeq };
}
