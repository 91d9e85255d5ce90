import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import pino from 'pino';
import { ApiGatewayConnectionPoster } from '#commons/events/api-gateway-poster.ts';
import { DynamoDbConnectionStore } from '#commons/events/dynamodb-connection-store.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { createFanoutPublisher } from '#commons/events/fanout-publisher.ts';
import type { ConnectionPoster } from '#commons/events/ports.ts';
import { DynamoDbTenantRates } from '#commons/storage/dynamodb-tenant-rates.ts';
import { DynamoDbWsUsage } from '../../functions/ws/dynamodb-ws-usage.ts';
import {
  createWebSocketHandler,
  type SessionView,
  type TokenCheck,
  WEBSOCKET_ROUTES,
} from '../../functions/ws/routes.ts';
import type { WsLimits } from '../../functions/ws/ws-limits.ts';
import { type LocalWebSocketGateway, startWebSocketGateway } from '../../infra/local/ws-gateway/gateway.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

/**
 * Tokens in these tests are `tenant:role[:exp]` (exp in epoch seconds; `.`
 * also separates, as a subprotocol cannot hold `:`); the real verifier is
 * tested with the API.
 */
export async function fakeCheckToken(token: string | undefined): Promise<TokenCheck> {
  if (!token) return { ok: false, status: 401, code: 'UNAUTHENTICATED' };
  const [tenantId, role, exp] = token.split(/[:.]/);
  if (!tenantId || !role) return { ok: false, status: 401, code: 'UNAUTHENTICATED' };
  if (role !== 'ADMIN' && role !== 'MASTER') return { ok: false, status: 403, code: 'FORBIDDEN' };
  return { ok: true, principal: { tenantId, role }, ...(exp !== undefined && { expiresAt: Number(exp) }) };
}

export interface WsHarness {
  readonly aws: TestAws;
  readonly gateway: LocalWebSocketGateway;
  readonly publisher: ReturnType<typeof createFanoutPublisher>;
  readonly connections: DynamoDbConnectionStore;
  readonly events: DynamoDbEventLog;
  readonly management: ApiGatewayManagementApiClient;
  putSession(session: SessionView): Promise<void>;
  url(token: string): string;
  stop(): Promise<void>;
}

export async function startWsHarness(
  options: {
    wrapPoster?: (p: ConnectionPoster) => ConnectionPoster;
    /** One clock for the routes, the connection store and the publisher (token expiry tests move it). */
    now?: () => number;
    /** Caps and the action rate (DynamoDB-backed, in this harness's tables); none unless given. */
    limits?: Pick<WsLimits, 'maxConnectionsPerTenant' | 'maxSubscriptionsPerConnection' | 'actionRate'>;
  } = {},
) {
  const aws = await createTestAws('ws');
  const logger = pino({ level: 'silent' });
  const now = options.now ?? Date.now;
  const connections = new DynamoDbConnectionStore(aws.doc, {
    connectionsTable: aws.tables.connections,
    subscriptionsTable: aws.tables.subscriptions,
    eventsTable: aws.tables.events,
    now,
  });
  const events = new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds: 86_400 });
  const sessions = {
    get: async (sessionId: string) =>
      (await aws.doc.send(new GetCommand({ TableName: aws.tables.sessions, Key: { sessionId } }))).Item as
        | SessionView
        | undefined,
  };
  let poster: ConnectionPoster | undefined;
  const handler = createWebSocketHandler({
    checkToken: fakeCheckToken,
    sessions,
    connections,
    events,
    poster: {
      post: (id, payload) => (poster as ConnectionPoster).post(id, payload),
      close: async (id) => (poster as ConnectionPoster).close?.(id),
    },
    logger,
    now,
    ...(options.limits && {
      limits: {
        ...options.limits,
        usage: new DynamoDbWsUsage(
          aws.doc,
          { connections: aws.tables.connections, subscriptions: aws.tables.subscriptions },
          now,
        ),
        rates: new DynamoDbTenantRates({ client: aws.doc, tenantsTable: aws.tables.tenants, now }),
      },
    }),
  });
  const gateway = await startWebSocketGateway({
    port: 0,
    routes: WEBSOCKET_ROUTES,
    handler: async (event) => handler(event),
  });
  const management = new ApiGatewayManagementApiClient({
    endpoint: gateway.managementEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const realPoster = new ApiGatewayConnectionPoster(management);
  poster = options.wrapPoster ? options.wrapPoster(realPoster) : realPoster;
  const publisher = createFanoutPublisher({ log: events, connections, poster, logger, now });
  const harness: WsHarness = {
    aws,
    gateway,
    publisher,
    connections,
    events,
    management,
    putSession: async (session) => {
      await aws.doc.send(new PutCommand({ TableName: aws.tables.sessions, Item: session }));
    },
    url: (token) => `${gateway.url}?token=${encodeURIComponent(token)}`,
    stop: async () => {
      await publisher.idle();
      await gateway.stop();
      management.destroy();
      aws.destroy();
    },
  };
  return harness;
}
