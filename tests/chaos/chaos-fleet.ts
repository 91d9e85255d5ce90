import { ENV } from '#commons/config/env-names.ts';
import { type HostProcess, startHostProcess } from '../../infra/local/host-process.ts';
import type { TestAws } from '../support/aws.ts';
import type { FakeWhatsApp } from '../support/fake-whatsapp/server.ts';
import { type ChaosProxy, type ProxyMode, startChaosProxy } from './chaos-proxy.ts';
import type { SessionWrite } from './history.ts';
import { sessionWriteTap } from './session-write-tap.ts';

export const CHAOS_TIMING = { heartbeatMs: 500, leaseMs: 2_500, reconcileMs: 500 };

export interface ChaosHost {
  readonly hostId: string;
  readonly process: HostProcess;
  /** This host's own way to DynamoDB and S3: faults hit one host or all of them. */
  readonly dynamodb: ChaosProxy;
  readonly s3: ChaosProxy;
  /** Its JSON log lines (info and up), for a dump when the checker finds something. */
  readonly logs: Record<string, unknown>[];
  paused: boolean;
}

export interface ChaosFleetOptions {
  readonly aws: TestAws;
  readonly fake: FakeWhatsApp;
  /** The edges' environment for hosts: the gateway to push to, the token the API nudges with. */
  readonly edgeEnv: Record<string, string>;
  /** A test-only host entry (the broken-fence control); the real main.ts unless given. */
  readonly entry?: string | undefined;
  readonly log: (line: string) => void;
}

/**
 * Host slots of a chaos run. Each start of a slot is a new host process with
 * a new id and its own proxies, whose DynamoDB traffic is watched for
 * session-record writes.
 */
export class ChaosFleet {
  readonly slots: (ChaosHost | undefined)[] = [];
  readonly writes: SessionWrite[] = [];
  /** Every host process ever started, so none outlives the run. */
  private readonly all: ChaosHost[] = [];
  private generation = 0;
  private readonly killAll = (): void => {
    for (const h of this.all) h.process.child.kill('SIGKILL');
  };
  /** Ctrl-C or a kill of the run: its default would end this process without an 'exit' event. */
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.killAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  constructor(private readonly options: ChaosFleetOptions) {
    // A paused host cannot see its IPC channel close: kill every child however this process ends.
    process.on('exit', this.killAll);
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  async start(slot: number): Promise<ChaosHost> {
    const { aws, fake } = this.options;
    const hostId = `chaos-${slot}-${++this.generation}`;
    const [dynamodb, s3] = await Promise.all([
      startChaosProxy(
        new URL(aws.storage.dynamodbEndpoint as string),
        sessionWriteTap(hostId, aws.tables.sessions, (w) => this.writes.push(w)),
      ),
      startChaosProxy(new URL(aws.storage.s3Endpoint as string)),
    ]);
    const logs: Record<string, unknown>[] = [];
    const hostProcess = await startHostProcess({
      entry: this.options.entry,
      env: {
        ...aws.env,
        [ENV.endpointDynamoDb]: dynamodb.url,
        [ENV.endpointS3]: s3.url,
        [ENV.hostId]: hostId,
        [ENV.hostPort]: '0',
        [ENV.hostCapacity]: '100',
        ...this.options.edgeEnv,
        [ENV.waWebSocketUrl]: fake.url,
        [ENV.waCertPublicKey]: fake.caPublicKey.toString('hex'),
        [ENV.reconcileIntervalMs]: String(CHAOS_TIMING.reconcileMs),
        [ENV.heartbeatIntervalMs]: String(CHAOS_TIMING.heartbeatMs),
        [ENV.leaseMs]: String(CHAOS_TIMING.leaseMs),
        [ENV.handoffBudgetMs]: '20000',
        [ENV.logLevel]: 'info',
      },
      onLog: (line) => {
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          logs.push({ raw: line });
        }
      },
      readyTimeoutMs: 60_000,
    });
    const host: ChaosHost = { hostId, process: hostProcess, dynamodb, s3, logs, paused: false };
    this.slots[slot] = host;
    this.all.push(host);
    return host;
  }

  /** Every host's log lines, by host id. */
  logs(): Record<string, Record<string, unknown>[]> {
    return Object.fromEntries(this.all.map((h) => [h.hostId, h.logs]));
  }

  /** Running and not paused. */
  isLive(hostId: string): boolean {
    const host = this.slots.find((h) => h?.hostId === hostId);
    return (
      host !== undefined &&
      !host.paused &&
      host.process.child.exitCode === null &&
      host.process.child.signalCode === null
    );
  }

  proxies(kind: 'dynamodb' | 's3', slot: number | 'all'): ChaosProxy[] {
    const hosts = slot === 'all' ? this.slots : [this.slots[slot]];
    return hosts.flatMap((h) => (h ? [h[kind]] : []));
  }

  /** Every proxy back to pass, every paused host resumed. */
  heal(): void {
    for (const h of this.slots) {
      if (!h) continue;
      const pass: ProxyMode = { kind: 'pass' };
      h.dynamodb.set(pass);
      h.s3.set(pass);
      if (h.paused) {
        h.process.child.kill('SIGCONT');
        h.paused = false;
      }
    }
  }

  async dispose(): Promise<void> {
    for (const h of this.all) if (h.paused) h.process.child.kill('SIGCONT');
    await Promise.allSettled(this.all.map((h) => h.process.stop(5_000, 'SIGINT')));
    this.killAll();
    await Promise.allSettled(this.all.flatMap((h) => [h.dynamodb.close(), h.s3.close()]));
    process.off('exit', this.killAll);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
