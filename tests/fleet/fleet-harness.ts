import { randomBytes } from 'node:crypto';
import { ENV } from '#commons/config/env-names.ts';
import type { EventEnvelope } from '#commons/domain/events.ts';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';
import { DynamoDbSessionOwnership, type OwnedSession } from '#commons/storage/dynamodb-session-ownership.ts';
import { type HostProcess, startHostProcess } from '../../infra/local/host-process.ts';
import { putAssignedSession } from '../support/assigned-session.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';
import { createFakeWhatsApp, type FakeWhatsApp } from '../support/fake-whatsapp/server.ts';
import { waitFor } from '../support/wait-for.ts';

export const FLEET_TIMING = { heartbeatMs: 500, leaseMs: 2_500, reconcileMs: 500 };

export interface FleetHost {
  readonly hostId: string;
  readonly process: HostProcess;
  readonly logs: Record<string, unknown>[];
}

/** Real session-host processes against embedded AWS and the in-process fake WhatsApp. */
export class FleetHarness {
  readonly hosts = new Map<string, FleetHost>();
  readonly ownership: DynamoDbSessionOwnership;
  readonly events: DynamoDbEventLog;
  private readonly internalToken = randomBytes(24).toString('hex');

  private constructor(
    readonly aws: TestAws,
    readonly fake: FakeWhatsApp,
  ) {
    this.ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
    this.events = new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds: 3600 });
  }

  static async create(): Promise<FleetHarness> {
    const [aws, fake] = await Promise.all([createTestAws('fleet'), createFakeWhatsApp()]);
    return new FleetHarness(aws, fake);
  }

  async startHost(hostId: string, extraEnv: Record<string, string> = {}): Promise<FleetHost> {
    const logs: Record<string, unknown>[] = [];
    const process = await startHostProcess({
      env: {
        ...this.aws.env,
        [ENV.hostId]: hostId,
        [ENV.hostPort]: '0',
        [ENV.hostCapacity]: '100',
        [ENV.internalToken]: this.internalToken,
        [ENV.wsManagementEndpoint]: 'http://127.0.0.1:9/local',
        [ENV.waWebSocketUrl]: this.fake.url,
        [ENV.waCertPublicKey]: this.fake.caPublicKey.toString('hex'),
        [ENV.reconcileIntervalMs]: String(FLEET_TIMING.reconcileMs),
        [ENV.heartbeatIntervalMs]: String(FLEET_TIMING.heartbeatMs),
        [ENV.leaseMs]: String(FLEET_TIMING.leaseMs),
        [ENV.handoffBudgetMs]: '20000',
        [ENV.logLevel]: 'info',
        ...extraEnv,
      },
      onLog: (line) => {
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          logs.push({ raw: line });
        }
      },
    });
    const host = { hostId, process, logs };
    this.hosts.set(hostId, host);
    return host;
  }

  createSession(hostId: string): Promise<string> {
    return putAssignedSession(this.aws, hostId);
  }

  record(sessionId: string): Promise<OwnedSession | undefined> {
    return this.ownership.get(sessionId);
  }

  eventsOf(sessionId: string): Promise<EventEnvelope[]> {
    return this.events.after(sessionId, 0, 10_000);
  }

  until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    return waitFor(probe, what, timeoutMs, 100);
  }

  /** What the API's 202 path does after queueing: tells the session's host, through its internal endpoint. */
  async nudge(hostId: string, sessionId: string): Promise<void> {
    const host = this.hosts.get(hostId);
    if (!host) throw new Error(`${hostId} is not running`);
    const client = new HttpHostClient({ internalToken: this.internalToken, timeoutMs: 5_000 });
    await client.nudge(`http://127.0.0.1:${host.process.port}`, sessionId);
  }

  /** Links a session assigned to a running host: QR event → fake phone scans → CONNECTED. */
  async link(sessionId: string): Promise<{ pn: string; jid: string }> {
    const qr = await this.until(`a QR for ${sessionId}`, async () =>
      (await this.eventsOf(sessionId)).find((e) => e.type === 'qr'),
    );
    const device = await this.fake.scanQr(qr.data.qr as string);
    await this.until(`${sessionId} CONNECTED`, async () =>
      (await this.record(sessionId))?.status === 'CONNECTED' ? true : undefined,
    );
    return device;
  }

  async dispose(): Promise<void> {
    await Promise.allSettled([...this.hosts.values()].map((h) => h.process.stop(5_000)));
    for (const h of this.hosts.values()) h.process.child.kill('SIGKILL');
    await this.fake.close();
    this.aws.destroy();
  }
}
