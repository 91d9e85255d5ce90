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
import { createLogger } from '#commons/logging/logger.ts';
import { DynamoDbSessionRepository } from '#commons/storage/dynamodb-session-repository.ts';
import { tokenChecker } from './check-token.ts';
import { createWebSocketHandler, type WsEvent, type WsResult } from './routes.ts';

const schema = z.object({
  [ENV.wsManagementEndpoint]: z.url(),
  [ENV.eventLogTtlSeconds]: z.coerce.number().int().min(60).default(86_400),
  [ENV.logLevel]: z.string().default('info'),
  [ENV.awsOperationLog]: z.string().min(1).optional(),
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
    }),
    events: new DynamoDbEventLog(doc, {
      table: storage.tables.events,
      ttlSeconds: config[ENV.eventLogTtlSeconds],
    }),
    poster: new ApiGatewayConnectionPoster(management),
    logger,
  });
}
