import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { createLogger } from '#commons/logging/logger.ts';
import { DynamoDbHostDirectory } from '#commons/storage/dynamodb-host-directory.ts';
import { DynamoDbSessionOutbox } from '#commons/storage/dynamodb-session-outbox.ts';
import { DynamoDbSessionRepository } from '#commons/storage/dynamodb-session-repository.ts';
import { DynamoDbTenantQuotas } from '#commons/storage/dynamodb-tenant-quotas.ts';
import { DynamoDbTenantRates } from '#commons/storage/dynamodb-tenant-rates.ts';
import { S3SessionAuthState } from '#commons/storage/s3-auth-wipe.ts';
import type { DestinationMode } from '#commons/webhooks/address-policy.ts';
import { loadWebhookConfig, type WebhookConfig } from '#commons/webhooks/webhook-config.ts';
import type { Resolve } from '#commons/webhooks/webhook-poster.ts';
import { createApp } from '../../../functions/api/app.ts';
import { composeWebhookApi } from '../../../functions/api/webhook-compose.ts';
import type { TestAws } from '../../support/aws.ts';
import { ROOMY_LIMITS, testTokenVerifier } from './api-harness.ts';
import { FakeHostClient } from './fake-host-client.ts';

/** The whole API with the webhook and tenant-limit routes mounted, on real adapters. */
export function webhookApp(
  aws: TestAws,
  mode: DestinationMode,
  resolve: Resolve,
  overrides: Partial<WebhookConfig> = {},
): ReturnType<typeof createApp> {
  const log = createLogger({ name: 'webhook-app', level: 'silent' });
  const config = {
    ...loadWebhookConfig({ ZAPFLEET_WEBHOOK_DESTINATIONS: mode, ZAPFLEET_WEBHOOK_TIMEOUT_MS: '1000' }),
    ...overrides,
  };
  return createApp({
    version: 'test',
    verifier: testTokenVerifier(),
    sessions: new DynamoDbSessionRepository({
      client: aws.doc,
      sessionsTable: aws.tables.sessions,
      sessionNamesTable: aws.tables.sessionNames,
      tenantsTable: aws.tables.tenants,
    }),
    limits: {
      ...ROOMY_LIMITS,
      overrides: new DynamoDbTenantQuotas({ client: aws.doc, tenantsTable: aws.tables.tenants }),
      rates: new DynamoDbTenantRates({ client: aws.doc, tenantsTable: aws.tables.tenants }),
    },
    hosts: new DynamoDbHostDirectory({
      client: aws.doc,
      hostsTable: aws.tables.hosts,
      sessionsTable: aws.tables.sessions,
    }),
    events: new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds: 86_400 }),
    outbox: new DynamoDbSessionOutbox({ client: aws.doc, outboxTable: aws.tables.outbox }),
    authState: new S3SessionAuthState({ client: aws.s3, bucket: aws.bucket }),
    hostClient: new FakeHostClient(),
    log,
    clock: () => new Date(),
    webhooks: composeWebhookApi(aws.doc, aws.tables, config, log, { resolve }),
  });
}
