import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pino from 'pino';
import type { EventEnvelope } from '#commons/domain/events.ts';
import { leaseConfig } from '#commons/domain/lease.ts';
import { DynamoDbConnectionStore } from '#commons/events/dynamodb-connection-store.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { createFanoutPublisher } from '#commons/events/fanout-publisher.ts';
import type { HostRegistry } from '#commons/hosts/host-registry.ts';
import { DynamoDbHostRegistry } from '#commons/storage/dynamodb-host-registry.ts';
import { DynamoDbSendQueue } from '#commons/storage/dynamodb-send-queue.ts';
import { DynamoDbSessionOwnership, type OwnedSession } from '#commons/storage/dynamodb-session-ownership.ts';
import { S3AuthStateStore } from '../../session-host/src/auth-state/s3-auth-state-store.ts';
import type { HostLimits } from '../../session-host/src/host-limits.ts';
import type { MediaRuntime } from '../../session-host/src/media/media-runtime.ts';
import { createHostMetrics, type HostMetrics } from '../../session-host/src/metrics.ts';
import type { AuthStateStore } from '../../session-host/src/ports/auth-state-store.ts';
import { SessionHost } from '../../session-host/src/session-host.ts';
import { putAssignedSession } from '../support/assigned-session.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';
import { createFakeWhatsApp, type FakeWhatsApp } from '../support/fake-whatsapp/server.ts';
import { countReconcileRounds, type ReconcileRounds } from '../support/reconcile-rounds.ts';
import { waitFor } from '../support/wait-for.ts';

const UNPACED = { ratePerSecond: 100, burst: 1_000, queueLimit: 10_000, typingMs: 0 };

export interface RunningHost {
  readonly host: SessionHost;
  readonly metrics: HostMetrics;
  readonly logs: Record<string, unknown>[];
  /** What Baileys logged at error level (its own logger, as the host's main.ts gives it). */
  readonly baileysLogs: Record<string, unknown>[];
  readonly rounds: ReconcileRounds;
}

/** One embedded-AWS namespace, one fake WhatsApp, and session hosts started in this process. */
export class HostHarness {
  readonly hosts: RunningHost[] = [];
  readonly ownership: DynamoDbSessionOwnership;
  readonly events: DynamoDbEventLog;

  private constructor(
    readonly aws: TestAws,
    readonly fake: FakeWhatsApp,
  ) {
    this.ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
    this.events = new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds: 3600 });
  }

  static async create(): Promise<HostHarness> {
    const [aws, fake] = await Promise.all([createTestAws('host'), createFakeWhatsApp({ qrRefs: 3 })]);
    return new HostHarness(aws, fake);
  }

  async startHost(
    hostId = 'host-1',
    options: {
      s3?: S3Client;
      qrTimeoutMs?: number;
      /** The event path's DynamoDB client (log and subscriptions), e.g. through a toggling proxy. */
      eventsDoc?: DynamoDBDocumentClient;
      capacity?: number;
      limits?: Partial<HostLimits>;
      /** Wraps the host's auth-state store (e.g. to observe how many opens run at once). */
      wrapAuthStates?: (store: AuthStateStore) => AuthStateStore;
      /** Media in and out (built per test: bucket, destinations, the fake's CA). */
      media?: (metrics: HostMetrics, logger: pino.Logger) => MediaRuntime;
      /** Where the host's sockets go (default: the fake WhatsApp). */
      waWebSocketUrl?: string;
      /** Wraps the host's registry (e.g. heartbeats that fail for a while: a lease gap). */
      wrapRegistry?: (registry: HostRegistry) => HostRegistry;
      /** False: the host does not read sent content back from the outbox (only what it sent itself). */
      sentContents?: boolean;
    } = {},
  ): Promise<RunningHost> {
    const eventsDoc = options.eventsDoc ?? this.aws.doc;
    const wrap = options.wrapAuthStates ?? ((store: AuthStateStore) => store);
    const logs: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    const baileysLogs: Record<string, unknown>[] = [];
    const baileysLogger = pino(
      { level: 'error' },
      { write: (line: string) => void baileysLogs.push(JSON.parse(line)) },
    );
    const metrics = createHostMetrics();
    const queue = new DynamoDbSendQueue({ client: this.aws.doc, outboxTable: this.aws.tables.outbox });
    const publisher = createFanoutPublisher({
      log: new DynamoDbEventLog(eventsDoc, { table: this.aws.tables.events, ttlSeconds: 3600 }),
      connections: new DynamoDbConnectionStore(eventsDoc, {
        connectionsTable: this.aws.tables.connections,
        subscriptionsTable: this.aws.tables.subscriptions,
      }),
      poster: { post: async () => 'gone' },
      logger,
    });
    const host = new SessionHost({
      host: {
        hostId,
        incarnation: randomUUID(),
        endpoint: 'http://127.0.0.1:9',
        capacity: options.capacity ?? 50,
      },
      ownership: this.ownership,
      registry: (options.wrapRegistry ?? ((r: HostRegistry) => r))(
        new DynamoDbHostRegistry(this.aws.doc, this.aws.tables.hosts, 10_000),
      ),
      queue,
      ...(options.sentContents !== false && { sentContents: queue }),
      authStates: wrap(
        new S3AuthStateStore({
          s3: options.s3 ?? this.aws.s3,
          bucket: this.aws.bucket,
          pointers: this.ownership,
        }),
      ),
      publisher,
      logger,
      metrics,
      socket: {
        waWebSocketUrl: options.waWebSocketUrl ?? this.fake.url,
        baileysLogger,
        qrTimeoutMs: options.qrTimeoutMs,
      },
      reconcileIntervalMs: 250,
      lease: leaseConfig(300, 1_500),
      nudge: async () => undefined,
      policy: { baseDelayMs: 50, maxDelayMs: 500, maxConsecutiveRestarts: 5, badSessionRetries: 2 },
      // Tests that are not about pacing send as fast as they like; pacing tests set their own.
      limits: { sendPacing: UNPACED, ...options.limits },
      ...(options.media && { media: options.media(metrics, logger) }),
    });
    const rounds = countReconcileRounds(host);
    await host.start();
    const running = { host, metrics, logs, baileysLogs, rounds };
    this.hosts.push(running);
    return running;
  }

  async stopHost(running: RunningHost): Promise<void> {
    await running.host.shutdown();
    this.hosts.splice(this.hosts.indexOf(running), 1);
  }

  /** A session assigned to `hostId` with desired RUNNING, as the API's start leaves it. */
  createSession(hostId = 'host-1', tenantId = 'acme'): Promise<string> {
    return putAssignedSession(this.aws, hostId, tenantId);
  }

  record(sessionId: string): Promise<OwnedSession | undefined> {
    return this.ownership.get(sessionId);
  }

  async eventsOf(sessionId: string): Promise<EventEnvelope[]> {
    return this.events.after(sessionId, 0, 10_000);
  }

  async waitForEvent(
    sessionId: string,
    accept: (e: EventEnvelope) => boolean,
    timeoutMs = 15_000,
  ): Promise<EventEnvelope> {
    return waitFor(
      async () => (await this.eventsOf(sessionId)).find(accept),
      async () =>
        `a matching event for ${sessionId}; saw: ${(await this.eventsOf(sessionId)).map((e) => e.type).join(', ')}`,
      timeoutMs,
      50,
    );
  }

  async waitForRecord(
    sessionId: string,
    accept: (r: OwnedSession) => boolean,
    what: string,
    timeoutMs = 15_000,
  ): Promise<OwnedSession> {
    let last: OwnedSession | undefined;
    return waitFor(
      async () => {
        last = await this.record(sessionId);
        return last && accept(last) ? last : undefined;
      },
      () => `${sessionId} to become ${what}; last: ${last?.status} ${last?.statusReason?.code ?? ''}`,
      timeoutMs,
      50,
    );
  }

  waitForStatus(sessionId: string, status: string, timeoutMs = 15_000): Promise<OwnedSession> {
    return this.waitForRecord(sessionId, (r) => r.status === status, status, timeoutMs);
  }

  /** Start → QR → scan: resolves with the linked device once CONNECTED. */
  async link(sessionId: string, phone?: string) {
    const qr = await this.waitForEvent(sessionId, (e) => e.type === 'qr');
    const device = await this.fake.scanQr(qr.data.qr as string, phone ? { phone } : {});
    await this.waitForStatus(sessionId, 'CONNECTED');
    return device;
  }

  async dispose(): Promise<void> {
    for (const running of this.hosts.splice(0)) await running.host.shutdown().catch(() => undefined);
    await this.fake.close();
    this.aws.destroy();
  }
}
