import { randomUUID } from 'node:crypto';
import { ENV } from '#commons/config/env-names.ts';
import type { EventType } from '#commons/domain/events.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { DynamoDbWebhookCursors } from '#commons/webhooks/dynamodb-webhook-cursors.ts';
import { DynamoDbWebhookDeliveries } from '#commons/webhooks/dynamodb-webhook-deliveries.ts';
import { DynamoDbWebhookEndpoints } from '#commons/webhooks/dynamodb-webhook-endpoints.ts';
import type { WebhookEndpoint } from '#commons/webhooks/webhook-endpoint.ts';
import { newSigningSecret } from '#commons/webhooks/webhook-signing.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

export interface WebhookHarness {
  readonly aws: TestAws;
  readonly log: DynamoDbEventLog;
  readonly endpoints: DynamoDbWebhookEndpoints;
  readonly cursors: DynamoDbWebhookCursors;
  readonly deliveries: DynamoDbWebhookDeliveries;
  /** Runtime environment of a dispatcher on these tables (short test schedule). */
  env(overrides?: Record<string, string>): NodeJS.ProcessEnv;
  addEndpoint(tenantId: string, url: string, fields?: Partial<WebhookEndpoint>): Promise<WebhookEndpoint>;
  append(tenantId: string, sessionId: string, n: number, type?: EventType): Promise<void>;
}

export async function createWebhookHarness(label = 'wh'): Promise<WebhookHarness> {
  const aws = await createTestAws(label);
  const log = new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds: 86_400 });
  const endpoints = new DynamoDbWebhookEndpoints(aws.doc, aws.tables.webhooks);
  let counter = 0;
  return {
    aws,
    log,
    endpoints,
    cursors: new DynamoDbWebhookCursors(aws.doc, aws.tables.webhookCursors),
    deliveries: new DynamoDbWebhookDeliveries(aws.doc, aws.tables.webhookDeliveries),
    env: (overrides = {}) => ({
      ...process.env,
      ...aws.env,
      [ENV.webhookDestinations]: 'loopback-http',
      [ENV.webhookRetryDelaysMs]: '100,200,300',
      [ENV.webhookTimeoutMs]: '1000',
      [ENV.webhookLeaseMs]: '500',
      [ENV.webhookSweepIntervalMs]: '100',
      [ENV.logLevel]: process.env.WH_LOG ?? 'silent',
      ...overrides,
    }),
    addEndpoint: async (tenantId, url, fields = {}) => {
      const endpoint: WebhookEndpoint = {
        tenantId,
        endpointId: `whk_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
        url,
        events: ['*'],
        enabled: true,
        // A second back: events appended from now on are after it, whatever the clock's resolution.
        createdAt: new Date(Date.now() - 1000).toISOString(),
        secrets: [{ secret: newSigningSecret() }],
        ...fields,
      };
      await endpoints.create(endpoint, 100);
      return endpoint;
    },
    append: async (tenantId, sessionId, n, type = 'session:message') => {
      for (let i = 0; i < n; i++) {
        counter += 1;
        await log.append({ type, tenantId, sessionId, data: { n: counter } });
      }
    },
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Seqs per session in arrival order. */
export function seqsBySession(events: readonly { event: Record<string, unknown> }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { event } of events) {
    const list = out.get(String(event.sessionId)) ?? [];
    list.push(Number(event.seq));
    out.set(String(event.sessionId), list);
  }
  return out;
}
