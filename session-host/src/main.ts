/**
 * Composition root of a session host: reads configuration once, builds the
 * AWS clients and wires the host, its internal endpoint and its signals.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';
import { awsClientConfig, s3ClientConfig } from '#commons/aws/client-config.ts';
import { createDocumentClient } from '#commons/aws/document-client.ts';
import { recordAwsOperations } from '#commons/aws/operation-log.ts';
import { leaseConfig } from '#commons/domain/lease.ts';
import { ApiGatewayConnectionPoster, managementClientConfig } from '#commons/events/api-gateway-poster.ts';
import { DynamoDbConnectionStore } from '#commons/events/dynamodb-connection-store.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { createFanoutPublisher } from '#commons/events/fanout-publisher.ts';
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';
import { createLogger } from '#commons/logging/logger.ts';
import { DynamoDbHostRegistry } from '#commons/storage/dynamodb-host-registry.ts';
import { DynamoDbSendQueue } from '#commons/storage/dynamodb-send-queue.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import { S3AuthStateStore } from './auth-state/s3-auth-state-store.ts';
import { loadHostConfig } from './config.ts';
import { loadHostLimits } from './host-limits.ts';
import { createInternalApi } from './internal-api.ts';
import { createMediaRuntime } from './media/media-runtime.ts';
import { createHostMetrics } from './metrics.ts';
import { advertisedEndpoint } from './runtime/advertised-endpoint.ts';
import { guardStdio, routeConsoleToLogger } from './runtime/console-sink.ts';
import { resolveWaVersion } from './runtime/wa-version.ts';
import { SessionHost } from './session-host.ts';

const config = loadHostConfig(process.env);
const logger = createLogger({ name: 'session-host', level: config.logLevel });
// Our logs go through pino only; the console is a sink (libsignal dumps
// private keys through it), and raw stdout/stderr refuse key-shaped writes.
routeConsoleToLogger(logger);
guardStdio(logger);
if (config.waCertPublicKey) WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(config.waCertPublicKey, 'hex');

const { storage } = config;
const dynamodb = new DynamoDBClient(
  awsClientConfig({ region: storage.region, endpoint: storage.dynamodbEndpoint }),
);
const s3 = new S3Client(s3ClientConfig({ region: storage.region, endpoint: storage.s3Endpoint }));
recordAwsOperations(dynamodb, 'dynamodb', { runtime: 'host', dir: config.awsOperationLogDir });
recordAwsOperations(s3, 's3', { runtime: 'host', dir: config.awsOperationLogDir });
const doc = createDocumentClient(dynamodb);
const management = new ApiGatewayManagementApiClient({
  ...managementClientConfig({ region: storage.region }),
  endpoint: config.wsManagementEndpoint,
});

const metrics = createHostMetrics();
const limits = loadHostLimits(process.env);
if (!config.mediaBucket) logger.warn({}, 'media bucket not configured; media sends and downloads will fail');
const media = createMediaRuntime({
  s3,
  bucket: config.mediaBucket,
  destinations: config.mediaUrlDestinations,
  caPem: config.mediaCaFile ? readFileSync(config.mediaCaFile, 'utf8') : undefined,
  transfers: limits.mediaTransfers,
  transferTimeoutMs: limits.mediaTransferTimeoutMs,
  metrics,
  logger,
});
const peers = new HttpHostClient({ internalToken: config.internalToken, timeoutMs: 2_000 });
const publisher = createFanoutPublisher({
  log: new DynamoDbEventLog(doc, { table: storage.tables.events, ttlSeconds: config.eventLogTtlSeconds }),
  connections: new DynamoDbConnectionStore(doc, {
    connectionsTable: storage.tables.connections,
    subscriptionsTable: storage.tables.subscriptions,
  }),
  poster: new ApiGatewayConnectionPoster(management),
  logger,
});

const server = serve({ fetch: (req) => app.fetch(req), port: config.port, hostname: '0.0.0.0' });
await new Promise<void>((resolve, reject) => {
  server.once('listening', resolve);
  server.once('error', reject);
});
const address = server.address();
const port = typeof address === 'object' && address ? address.port : config.port;

const ownership = new DynamoDbSessionOwnership(doc, storage.tables);
const queue = new DynamoDbSendQueue({ client: doc, outboxTable: storage.tables.outbox });
const version = await resolveWaVersion(config.waVersion, Boolean(config.waWebSocketUrl), logger);
const host = new SessionHost({
  host: {
    hostId: config.hostId,
    incarnation: randomUUID(),
    endpoint: await advertisedEndpoint(config.endpoint, port, process.env.ECS_CONTAINER_METADATA_URI_V4),
    capacity: config.capacity,
  },
  ownership,
  registry: new DynamoDbHostRegistry(doc, storage.tables.hosts, config.leaseMs),
  queue,
  sentContents: queue,
  authStates: new S3AuthStateStore({ s3, bucket: storage.authBucket, pointers: ownership }),
  publisher,
  logger,
  metrics,
  socket: {
    waWebSocketUrl: config.waWebSocketUrl,
    version,
    qrTimeoutMs: config.qrTimeoutMs,
    baileysLogger: createLogger({
      name: 'baileys',
      level: config.logLevel === 'silent' ? 'silent' : 'error',
    }),
  },
  reconcileIntervalMs: config.reconcileIntervalMs,
  lease: leaseConfig(config.heartbeatIntervalMs, config.leaseMs),
  nudge: (endpoint, sessionId) => peers.nudge(endpoint, sessionId),
  handoffBudgetMs: config.handoffBudgetMs,
  limits,
  media,
});
const app = createInternalApi(host, metrics, config.internalToken);

let stopping = false;
async function shutdown(signal: string, handoff: boolean): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, sessions: host.load, handoff }, 'host stopping');
  await host.shutdown({ handoff }).catch((err: unknown) => logger.error({ err }, 'host shutdown failed'));
  await publisher.idle();
  server.close();
  dynamodb.destroy();
  s3.destroy();
  media.agent.destroy();
  management.destroy();
  process.exit(0);
}
// SIGTERM (ECS stopping the task): hand sessions to peers. SIGINT (Ctrl-C on a
// developer's machine): just close them; they resume on the next start.
process.on('SIGTERM', () => void shutdown('SIGTERM', true));
process.on('SIGINT', () => void shutdown('SIGINT', false));
// Started by the local runtime or a test: never outlive the parent.
process.on('disconnect', () => void shutdown('parent gone', false));

await host.start();
logger.info({ hostId: config.hostId, port, sessions: host.load }, 'host ready');
process.send?.({ ready: true, hostId: config.hostId, port });
