import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { loadAuthConfig } from '#commons/auth/auth-config.ts';
import { createTokenVerifier } from '#commons/auth/token-verifier.ts';
import { awsClientConfig, credentialsFrom } from '#commons/aws/client-config.ts';
import { createDocumentClient } from '#commons/aws/document-client.ts';
import { recordAwsOperations } from '#commons/aws/operation-log.ts';
import { ENV } from '#commons/config/env-names.ts';
import { loadStorageConfig, parseEnv } from '#commons/config/runtime-config.ts';
import { ApiGatewayConnectionPoster, managementClientConfig } from '#commons/events/api-gateway-poster.ts';
import { DynamoDbConnectionStore } from '#commons/events/dynamodb-connection-store.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { DEFAULT_TENANT_RATE } from '#commons/limits/rate.ts';
import { createLogger } from '#commons/logging/logger.ts';
import { DynamoDbSessionRepository } from '#commons/storage/dynamodb-session-repository.ts';
import { DynamoDbTenantRates } from '#commons/storage/dynamodb-tenant-rates.ts';
import { tokenChecker } from './check-token.ts';
import { DynamoDbWsUsage } from './dynamodb-ws-usage.ts';
import { createWebSocketHandler, type WsEvent, type WsResult } from './routes.ts';
import { WS_LIMIT_DEFAULTS } from './ws-limits.ts';

const schema = z.object({
  [ENV.wsManagementEndpoint]: z.url(),
  [ENV.eventLogTtlSeconds]: z.coerce.number().int().min(60).default(86_400),
  [ENV.logLevel]: z.string().default('info'),
  [ENV.awsOperationLog]: z.string().min(1).optional(),
  [ENV.maxConnectionsPerTenant]: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(WS_LIMIT_DEFAULTS.maxConnectionsPerTenant),
  [ENV.maxSubscriptionsPerConnection]: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(WS_LIMIT_DEFAULTS.maxSubscriptionsPerConnection),
  // The same settings as the REST API's rate; the WebSocket actions have a bucket of their own.
  [ENV.tenantRequestRate]: z.coerce.number().positive().max(100_000).default(DEFAULT_TENANT_RATE.perSecond),
  [ENV.tenantRequestBurst]: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_TENANT_RATE.burst),
});

/** Composition root of the WebSocket routes; the Lambda entry and the local gateway both use it. */
export function composeWebSocket(env: NodeJS.ProcessEnv): (event: WsEvent) => Promise<WsResult> {
  const storage = loadStorageConfig(env);
  const config = parseEnv(schema, env);
  const logger = createLogger({ name: 'ws', level: config[ENV.logLevel] });
  const dynamodb = new DynamoDBClient(
    awsClientConfig({ region: storage.region, endpoint: storage.dynamodbEndpoint }),
  );
  recordAwsOperations(dynamodb, 'dynamodb', { runtime: 'ws', dir: config[ENV.awsOperationLog] });
  const doc = createDocumentClient(dynamodb);
  const management = new ApiGatewayManagementApiClient({
    ...managementClientConfig({ region: storage.region }),
    ...credentialsFrom(env),
    endpoint: config[ENV.wsManagementEndpoint],
  });
  return createWebSocketHandler({
    checkToken: tokenChecker(createTokenVerifier(loadAuthConfig(env))),
    sessions: new DynamoDbSessionRepository({
      client: doc,
      sessionsTable: storage.tables.sessions,
      sessionNamesTable: storage.tables.sessionNames,
    }),
    connections: new DynamoDbConnectionStore(doc, {
      connectionsTable: storage.tables.connections,
      subscriptionsTable: storage.tables.subscriptions,
      eventsTable: storage.tables.events,
    }),
    events: new DynamoDbEventLog(doc, {
      table: storage.tables.events,
      ttlSeconds: config[ENV.eventLogTtlSeconds],
    }),
    poster: new ApiGatewayConnectionPoster(management),
    logger,
    limits: {
      maxConnectionsPerTenant: config[ENV.maxConnectionsPerTenant],
      maxSubscriptionsPerConnection: config[ENV.maxSubscriptionsPerConnection],
      actionRate: { perSecond: config[ENV.tenantRequestRate], burst: config[ENV.tenantRequestBurst] },
      usage: new DynamoDbWsUsage(doc, {
        connections: storage.tables.connections,
        subscriptions: storage.tables.subscriptions,
      }),
      rates: new DynamoDbTenantRates({ client: doc, tenantsTable: storage.tables.tenants }),
    },
  });
}
