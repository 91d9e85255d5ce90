import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { awsClientConfig } from '#commons/aws/client-config.ts';
import { recordAwsOperations } from '#commons/aws/operation-log.ts';
import { ENV } from '#commons/config/env-names.ts';
import { loadStorageConfig, parseEnv } from '#commons/config/runtime-config.ts';
import type { MessageStatsStore } from '#commons/domain/message-stats.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { createLogger, type Logger } from '#commons/logging/logger.ts';
import { DynamoDbMessageStats } from '#commons/storage/dynamodb-message-stats.ts';
import { DynamoDbWebhookCursors } from '#commons/webhooks/dynamodb-webhook-cursors.ts';
import { DynamoDbWebhookDeliveries } from '#commons/webhooks/dynamodb-webhook-deliveries.ts';
import { DynamoDbWebhookEndpoints } from '#commons/webhooks/dynamodb-webhook-endpoints.ts';
import { loadWebhookConfig, type WebhookConfig } from '#commons/webhooks/webhook-config.ts';
import { WebhookDispatcher } from '#commons/webhooks/webhook-dispatcher.ts';
import { emfGauge, WEBHOOK_METRICS } from '#commons/webhooks/webhook-metrics.ts';
import { createWebhookPoster, type Resolve } from '#commons/webhooks/webhook-poster.ts';

export interface ComposedDispatcher {
  readonly dispatcher: WebhookDispatcher;
  readonly config: WebhookConfig;
  readonly log: Logger;
  readonly dynamodb: DynamoDBClient;
  readonly eventsTable: string;
  /** Messages in/out per tenant and minute, counted from the same stream batches. */
  readonly stats: MessageStatsStore;
}

const runtimeSchema = z.object({
  [ENV.logLevel]: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  [ENV.awsOperationLog]: z.string().min(1).optional(),
  [ENV.eventLogTtlSeconds]: z.coerce.number().int().min(60).default(86_400),
});

/** Composition root of the webhook dispatcher: the Lambda entry and the local runtime both use it. */
export function composeDispatcher(
  env: NodeJS.ProcessEnv,
  options: { resolve?: Resolve } = {},
): ComposedDispatcher {
  const storage = loadStorageConfig(env);
  const config = loadWebhookConfig(env);
  const runtime = parseEnv(runtimeSchema, env);
  const log = createLogger({ name: 'webhooks', level: runtime[ENV.logLevel] });
  const dynamodb = new DynamoDBClient(
    awsClientConfig({ region: storage.region, endpoint: storage.dynamodbEndpoint }),
  );
  recordAwsOperations(dynamodb, 'dynamodb', { runtime: 'webhooks', dir: runtime[ENV.awsOperationLog] });
  const doc = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  const dispatcher = new WebhookDispatcher({
    endpoints: new DynamoDbWebhookEndpoints(doc, storage.tables.webhooks),
    cursors: new DynamoDbWebhookCursors(doc, storage.tables.webhookCursors),
    deliveries: new DynamoDbWebhookDeliveries(doc, storage.tables.webhookDeliveries),
    events: new DynamoDbEventLog(doc, {
      table: storage.tables.events,
      ttlSeconds: runtime[ENV.eventLogTtlSeconds],
    }),
    post: createWebhookPoster(config, options.resolve),
    log,
    owner: `${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'local'}-${process.pid}-${randomUUID().slice(0, 8)}`,
    leaseMs: config.leaseMs,
    retryDelaysMs: config.retryDelaysMs,
    disableAfterMs: config.disableAfterMs,
    deliveryRetentionSeconds: config.deliveryRetentionSeconds,
    // In Lambda, an embedded-metric-format line becomes a CloudWatch metric (the age alarm reads it).
    ...(env.AWS_LAMBDA_FUNCTION_NAME && {
      onPendingAge: (seconds: number) =>
        process.stdout.write(
          `${emfGauge(WEBHOOK_METRICS.oldestPendingAgeSeconds, seconds, 'Seconds', Date.now())}\n`,
        ),
    }),
  });
  const stats = new DynamoDbMessageStats({ client: doc, tenantsTable: storage.tables.tenants });
  return { dispatcher, config, log, dynamodb, eventsTable: storage.tables.events, stats };
}
