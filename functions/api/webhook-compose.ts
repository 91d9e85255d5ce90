import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '#commons/logging/logger.ts';
import type { TableNames } from '#commons/storage/tables.ts';
import { DynamoDbWebhookCursors } from '#commons/webhooks/dynamodb-webhook-cursors.ts';
import { DynamoDbWebhookDeliveries } from '#commons/webhooks/dynamodb-webhook-deliveries.ts';
import { DynamoDbWebhookEndpoints } from '#commons/webhooks/dynamodb-webhook-endpoints.ts';
import type { WebhookConfig } from '#commons/webhooks/webhook-config.ts';
import { createWebhookPoster, type Resolve } from '#commons/webhooks/webhook-poster.ts';
import type { WebhookDependencies } from './use-cases/webhooks.ts';

/** The webhook routes' adapters, for the API's composition root (and tests that need the real ones). */
export function composeWebhookApi(
  doc: DynamoDBDocumentClient,
  tables: TableNames,
  config: WebhookConfig,
  log: Logger,
  options: { resolve?: Resolve; clock?: () => Date } = {},
): WebhookDependencies {
  return {
    endpoints: new DynamoDbWebhookEndpoints(doc, tables.webhooks),
    cursors: new DynamoDbWebhookCursors(doc, tables.webhookCursors),
    deliveries: new DynamoDbWebhookDeliveries(doc, tables.webhookDeliveries),
    destinations: config.destinations,
    resolve: options.resolve,
    post: createWebhookPoster(config, options.resolve),
    rotationOverlapSeconds: config.rotationOverlapSeconds,
    maxEndpointsPerTenant: config.maxEndpointsPerTenant,
    log,
    clock: options.clock ?? (() => new Date()),
  };
}
