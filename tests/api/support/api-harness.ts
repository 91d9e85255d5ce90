import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT } from 'jose';
import { createTokenVerifier, type TokenVerifier } from '#commons/auth/token-verifier.ts';
import type { SendQueueLimits } from '#commons/domain/send-pacing.ts';
import type { SessionRecord } from '#commons/domain/session-record.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import type { EventLog } from '#commons/events/ports.ts';
import type { HostRecord } from '#commons/hosts/host-record.ts';
import { createLogger, type Logger } from '#commons/logging/logger.ts';
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
import { AUTH_BUCKET, MEDIA_BUCKET } from '#commons/storage/tables.ts';
import type { DestinationMode } from '#commons/webhooks/address-policy.ts';
import { createApp } from '../../../functions/api/app.ts';
import type { MediaDependencies } from '../../../functions/api/use-cases/dependencies.ts';
import type { LimitDependencies } from '../../../functions/api/use-cases/tenant-limits.ts';
import { createTestAws, type TestAws } from '../../support/aws.ts';
import { FakeHostClient } from './fake-host-client.ts';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';
export const TEST_ISSUER = 'zapfleet-test';
export const TEST_AUDIENCE = 'zapfleet-api';
/** The tenant whose MASTER tokens the test API honours. */
export const OPERATOR_TENANT = 'ops';

/** The verifier every in-process API test app uses: HS256 with the test secret, issuer and audience. */
export function testTokenVerifier(): TokenVerifier {
  return createTokenVerifier({
    mode: 'secret',
    secret: TEST_SECRET,
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    tenantClaim: 'tenant',
    roleClaim: 'role',
    operatorTenant: OPERATOR_TENANT,
  });
}

export interface TokenOptions {
  tenant?: string;
  role?: unknown;
  secret?: string;
  issuer?: string;
  audience?: string;
  expiresIn?: string | number;
}

export async function signToken(options: TokenOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = {};
  const role = 'role' in options ? options.role : 'ADMIN';
  if (role !== undefined) claims.role = role;
  if (options.tenant !== undefined) claims.tenant = options.tenant;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? TEST_AUDIENCE)
    .setIssuedAt()
    .setSubject('test-user')
    .setExpirationTime(options.expiresIn ?? '10m')
    .sign(new TextEncoder().encode(options.secret ?? TEST_SECRET));
}

/** An unsigned token (`alg: none`) with otherwise valid claims. */
export function unsignedToken(tenant: string, role = 'ADMIN'): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ tenant, role, iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now, exp: now + 600 })}.`;
}

export interface ApiHarness {
  readonly aws: TestAws;
  readonly app: ReturnType<typeof createApp>;
  readonly hostClient: FakeHostClient;
  /** The media bucket as the app uses it (tests may wrap its methods to inject failures). */
  readonly media: MediaDependencies;
  /** The events table the API reads; tests append as a session host would. */
  readonly events: EventLog;
  /** The clock the app reads; tests move it. */
  now: Date;
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  adminToken(tenant: string): Promise<string>;
  putHost(host: Partial<HostRecord> & { hostId: string }): Promise<HostRecord>;
  removeHost(hostId: string): Promise<void>;
  record(sessionId: string): Promise<SessionRecord | undefined>;
  allRecords(): Promise<Record<string, unknown>[]>;
  /** Writes fields as a session host would. */
  hostWrites(sessionId: string, fields: Partial<SessionRecord>): Promise<void>;
  putAuthObject(tenantId: string, sessionId: string, name: string): Promise<void>;
  authObjects(tenantId: string, sessionId: string): Promise<string[]>;
  /** Keys in the media bucket under the session's media prefix. */
  mediaObjects(tenantId: string, sessionId: string): Promise<string[]>;
  /** Creates a session through the API and returns its id. */
  createSession(token: string, body?: Record<string, unknown>): Promise<string>;
  destroy(): void;
}

/** Limits high enough that tests about other things never meet them. */
export const ROOMY_LIMITS = {
  quotas: { maxSessions: 10_000, maxRunningSessions: 10_000 },
  requestRate: { perSecond: 10_000, burst: 10_000 },
  pairing: { perSession: 1_000, perTenant: 1_000, windowSeconds: 600 },
} as const;

export type HarnessLimits = Partial<Pick<LimitDependencies, 'quotas' | 'requestRate' | 'pairing'>>;

export async function createApiHarness(
  label = 'api',
  options: {
    log?: Logger;
    limits?: HarnessLimits;
    sendQueue?: SendQueueLimits;
    aws?: TestAws;
    /** Which media URLs sends may name (default strict, as in AWS). */
    mediaUrlDestinations?: DestinationMode;
  } = {},
): Promise<ApiHarness> {
  // A given `aws` is shared with another harness (a real host), which disposes of it.
  const aws = options.aws ?? (await createTestAws(label));
  const hostClient = new FakeHostClient();
  const harness = {} as ApiHarness;
  // Real time, not a fixed date: DynamoDB Local's TTL sweeper does delete items whose expiry is in the past.
  harness.now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const media: MediaDependencies = {
    store: new S3MediaStore({ client: aws.s3, bucket: aws.mediaBucket }),
    urlTtlSeconds: 300,
    urlDestinations: options.mediaUrlDestinations ?? 'strict',
  };
  const events = new DynamoDbEventLog(aws.doc, {
    table: aws.tables.events,
    ttlSeconds: 86_400,
    now: () => harness.now.getTime(),
  });
  const app = createApp({
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
      ...options.limits,
      overrides: new DynamoDbTenantQuotas({ client: aws.doc, tenantsTable: aws.tables.tenants }),
      rates: new DynamoDbTenantRates({ client: aws.doc, tenantsTable: aws.tables.tenants }),
    },
    hosts: new DynamoDbHostDirectory({
      client: aws.doc,
      hostsTable: aws.tables.hosts,
      sessionsTable: aws.tables.sessions,
    }),
    events,
    outbox: new DynamoDbSessionOutbox({ client: aws.doc, outboxTable: aws.tables.outbox }),
    queue: new DynamoDbSendQueue({ client: aws.doc, outboxTable: aws.tables.outbox }),
    ...(options.sendQueue && { sendQueue: options.sendQueue }),
    authState: new S3SessionAuthState({ client: aws.s3, bucket: aws.bucket }),
    media,
    hostClient,
    log: options.log ?? createLogger({ name: 'api-test', level: 'silent' }),
    clock: () => harness.now,
    hostSessions: new DynamoDbHostSessions({ client: aws.doc, sessionsTable: aws.tables.sessions }),
    overview: {
      messages: new DynamoDbMessageStats({ client: aws.doc, tenantsTable: aws.tables.tenants }),
      statuses: new DynamoDbSessionStatusCounts({ client: aws.doc, sessionsTable: aws.tables.sessions }),
    },
  });
  const nowSeconds = () => Math.floor(harness.now.getTime() / 1000);
  Object.assign(harness, {
    aws,
    app,
    hostClient,
    media,
    events,
    async request(
      method: string,
      path: string,
      options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
    ) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.raw !== undefined) body = options.raw;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      return app.request(path, { method, headers, ...(body !== undefined && { body }) });
    },
    adminToken: (tenant: string) => signToken({ tenant, role: 'ADMIN' }),
    async putHost(host: Partial<HostRecord> & { hostId: string }) {
      const record: HostRecord = {
        endpoint: `http://${host.hostId}.internal:8080`,
        capacity: 100,
        load: 0,
        heartbeatVersion: 1,
        heartbeatAt: harness.now.getTime(),
        expiresAt: nowSeconds() + 30,
        ...host,
      };
      await aws.doc.send(new PutCommand({ TableName: aws.tables.hosts, Item: record }));
      return record;
    },
    async removeHost(hostId: string) {
      await aws.doc.send(new DeleteCommand({ TableName: aws.tables.hosts, Key: { hostId } }));
    },
    async record(sessionId: string) {
      const { Item } = await aws.doc.send(
        new GetCommand({ TableName: aws.tables.sessions, Key: { sessionId } }),
      );
      return Item as SessionRecord | undefined;
    },
    async allRecords() {
      const { Items } = await aws.doc.send(
        new ScanCommand({ TableName: aws.tables.sessions, ConsistentRead: true }),
      );
      return Items ?? [];
    },
    async hostWrites(sessionId: string, fields: Partial<SessionRecord>) {
      const entries = Object.entries(fields);
      await aws.doc.send(
        new UpdateCommand({
          TableName: aws.tables.sessions,
          Key: { sessionId },
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
        }),
      );
    },
    async putAuthObject(tenantId: string, sessionId: string, name: string) {
      await aws.s3.send(
        new PutObjectCommand({
          Bucket: aws.bucket,
          Key: `${AUTH_BUCKET.sessionPrefix(tenantId, sessionId)}${name}`,
          Body: 'x',
        }),
      );
    },
    async authObjects(tenantId: string, sessionId: string) {
      const page = await aws.s3.send(
        new ListObjectsV2Command({
          Bucket: aws.bucket,
          Prefix: AUTH_BUCKET.sessionPrefix(tenantId, sessionId),
        }),
      );
      return (page.Contents ?? []).map((o) => o.Key ?? '');
    },
    async mediaObjects(tenantId: string, sessionId: string) {
      const page = await aws.s3.send(
        new ListObjectsV2Command({
          Bucket: aws.mediaBucket,
          Prefix: MEDIA_BUCKET.sessionPrefix(tenantId, sessionId),
        }),
      );
      return (page.Contents ?? []).map((o) => o.Key ?? '');
    },
    async createSession(token: string, body: Record<string, unknown> = {}) {
      const res = await harness.request('POST', '/v1/sessions', { token, body });
      if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    destroy: () => aws.destroy(),
  });
  return harness;
}
