import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadAuthConfig } from '#commons/auth/auth-config.ts';
import { createTokenVerifier } from '#commons/auth/token-verifier.ts';
import { awsClientConfig, s3ClientConfig } from '#commons/aws/client-config.ts';
import { createDocumentClient } from '#commons/aws/document-client.ts';
import { recordAwsOperations } from '#commons/aws/operation-log.ts';
import { loadStorageConfig } from '#commons/config/runtime-config.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';
import { createLogger } from '#commons/logging/logger.ts';
import { DynamoDbHostDirectory } from '#commons/storage/dynamodb-host-directory.ts';
import { DynamoDbHostSessions } from '#commons/storage/dynamodb-host-sessions.ts';
import { DynamoDbMessageStats } from '#commons/storage/dynamodb-message-stats.ts';
import { DynamoDbSendQueue } from '#commons/storage/dynamodb-send-queue.ts';
import { DynamoDbSessionOutbox } from '#commons/storage/dynamodb-session-outbox.ts';
import { DynamoDbSessionRepository } from '#commons/storage/dynamodb-session-repository.ts';
import { DynamoDbSessionStatusCounts } from '#commons/storage/dynamodb-session-status-counts.ts';
import { DynamoDbTenantQuotas } from '#commons/storage/dynamodb-tenant-quotas.ts';
import { DynamoDbTenantRates } from '#commons/storage/dynamodb-tenant-rates.ts';
import { S3SessionAuthState } from '#commons/storage/s3-auth-wipe.ts';
import { S3MediaStore } from '#commons/storage/s3-media-store.ts';
import { VERSION } from '#commons/version.ts';
import { loadWebhookConfig } from '#commons/webhooks/webhook-config.ts';
import { loadApiConfig } from './api-config.ts';
import { createApp } from './app.ts';
import { createInternalToken, hostClientWithToken } from './internal-token-source.ts';
import { loadMediaConfig } from './media-config.ts';
import { composeWebhookApi } from './webhook-compose.ts';

/**
 * Composition root of the HTTP API: reads configuration once (failing loudly),
 * builds clients and wires the app. Used by the Lambda entry and by the local runtime.
 */
export function composeApi(env: NodeJS.ProcessEnv): { app: ReturnType<typeof createApp> } {
  const storage = loadStorageConfig(env);
  const auth = loadAuthConfig(env);
  const config = loadApiConfig(env);
  const mediaConfig = loadMediaConfig(env);
  const log = createLogger({ name: 'api', level: config.logLevel });
  const dynamodb = new DynamoDBClient(
    awsClientConfig({ region: storage.region, endpoint: storage.dynamodbEndpoint }),
  );
  const doc = createDocumentClient(dynamodb);
  const s3 = new S3Client(s3ClientConfig({ region: storage.region, endpoint: storage.s3Endpoint }));
  const opLog = { runtime: 'api', dir: config.awsOperationLogDir } as const;
  recordAwsOperations(dynamodb, 'dynamodb', opLog);
  recordAwsOperations(s3, 's3', opLog);
  const internalToken = createInternalToken(
    config.internalToken,
    async (secretArn) => {
      const secrets = new SecretsManagerClient(awsClientConfig({ region: storage.region }));
      try {
        return (await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
      } finally {
        secrets.destroy();
      }
    },
    (err) => log.error({ err }, 'internal host credential unavailable'),
  );
  const app = createApp({
    version: VERSION,
    verifier: createTokenVerifier(auth),
    sessions: new DynamoDbSessionRepository({
      client: doc,
      sessionsTable: storage.tables.sessions,
      sessionNamesTable: storage.tables.sessionNames,
      tenantsTable: storage.tables.tenants,
    }),
    limits: {
      ...config.limits,
      overrides: new DynamoDbTenantQuotas({ client: doc, tenantsTable: storage.tables.tenants }),
      rates: new DynamoDbTenantRates({ client: doc, tenantsTable: storage.tables.tenants }),
    },
    hosts: new DynamoDbHostDirectory({
      client: doc,
      hostsTable: storage.tables.hosts,
      sessionsTable: storage.tables.sessions,
    }),
    events: new DynamoDbEventLog(doc, {
      table: storage.tables.events,
      ttlSeconds: config.eventLogTtlSeconds,
    }),
    outbox: new DynamoDbSessionOutbox({ client: doc, outboxTable: storage.tables.outbox }),
    queue: new DynamoDbSendQueue({ client: doc, outboxTable: storage.tables.outbox }),
    sendQueue: config.limits.sendQueue,
    authState: new S3SessionAuthState({ client: s3, bucket: storage.authBucket }),
    media: {
      store: new S3MediaStore({ client: s3, bucket: mediaConfig.bucket }),
      urlTtlSeconds: mediaConfig.urlTtlSeconds,
      urlDestinations: mediaConfig.urlDestinations,
    },
    hostClient: hostClientWithToken(
      internalToken,
      (token) => new HttpHostClient({ internalToken: token, timeoutMs: config.hostRequestTimeoutMs }),
    ),
    log,
    clock: () => new Date(),
    hostSessions: new DynamoDbHostSessions({ client: doc, sessionsTable: storage.tables.sessions }),
    overview: {
      messages: new DynamoDbMessageStats({ client: doc, tenantsTable: storage.tables.tenants }),
      statuses: new DynamoDbSessionStatusCounts({ client: doc, sessionsTable: storage.tables.sessions }),
    },
    webhooks: composeWebhookApi(doc, storage.tables, loadWebhookConfig(env), log),
  });
  return { app };
}
