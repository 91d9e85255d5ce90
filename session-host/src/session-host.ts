import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import type { DisconnectPolicyConfig } from '#commons/domain/disconnect-policy.ts';
import type { LeaseConfig } from '#commons/domain/lease.ts';
import type { EventPublisher } from '#commons/events/ports.ts';
import { DELETING_OWNER } from '#commons/hosts/host-record.ts';
import { sessionsOwnedMetric } from '#commons/observability/metric-names.ts';
import { AUTH_BUCKET } from '#commons/storage/tables.ts';
import { S3AuthState } from './auth-state/s3-auth-state.ts';
import { FailoverWatcher } from './fleet/failover-watcher.ts';
import { handOff } from './fleet/handoff.ts';
import { LeaseKeeper } from './fleet/lease-keeper.ts';
import type { HostMetrics } from './metrics.ts';
import { EventQueues } from './runtime/event-queue.ts';
import { ManagedSession, type SocketSettings } from './runtime/managed-session.ts';
import { SessionFailures } from './session-failures.ts';
import type { DynamoDbHostRegistry, HostRegistration } from './storage/dynamodb-host-registry.ts';
import type { DynamoDbSessionOwnership, OwnedSession } from './storage/dynamodb-session-ownership.ts';

export interface SessionHostDeps {
  readonly host: HostRegistration;
  readonly ownership: DynamoDbSessionOwnership;
  readonly registry: DynamoDbHostRegistry;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly publisher: EventPublisher;
  readonly logger: Logger;
  readonly metrics: HostMetrics;
  readonly socket: SocketSettings;
  readonly reconcileIntervalMs: number;
  readonly lease: LeaseConfig;
  /** Tells another host to reconcile a session now (graceful handoff). */
  readonly nudge: (endpoint: string, sessionId: string) => Promise<void>;
  /** Time allowed for handing sessions off on shutdown (ECS allows up to 120 s). */
  readonly handoffBudgetMs?: number;
  readonly takeoversPerSecond?: number;
  /** How often the SessionsOwned metric is logged (embedded metric format); 0 turns it off. */
  readonly metricIntervalMs?: number;
  readonly policy?: DisconnectPolicyConfig;
}

const EVENT_DRAIN_ON_SHUTDOWN_MS = 10_000;
const EVENT_BACKLOG_STALL_MS = 10_000;

const RUNNING_STATUSES = new Set(['STARTING', 'QR', 'CONNECTED', 'DISCONNECTED']);

/**
 * A long-lived process running many WhatsApp sessions. It learns what to run
 * by reconciling the sessions assigned to it (on a timer, and at once when
 * nudged), claims each with a fencing epoch, and keeps its host record alive.
 */
export class SessionHost {
  private readonly sessions = new Map<string, ManagedSession>();
  private readonly restartTokens = new Map<string, string | undefined>();
  private readonly locks = new Map<string, Promise<void>>();
  /** Auth states that may still write, per session: kept past a session's end until their last commit settled. */
  private readonly writers = new Map<string, Set<S3AuthState>>();
  private readonly lag = monitorEventLoopDelay({ resolution: 20 });
  private timers: NodeJS.Timeout[] = [];
  private draining = false;
  private readonly lease: LeaseKeeper;
  private readonly failover: FailoverWatcher;
  private readonly failures: SessionFailures;
  /** Every event this host emits goes through here: ordered per session, retried, bounded. */
  readonly events: EventQueues;
  registered = false;

  constructor(private readonly deps: SessionHostDeps) {
    this.lease = new LeaseKeeper({
      registry: deps.registry,
      host: deps.host,
      lease: deps.lease,
      load: () => this.load,
      draining: () => this.draining,
      onLost: () => this.fenceAll(),
      logger: deps.logger,
    });
    this.failover = new FailoverWatcher({
      registry: deps.registry,
      ownership: deps.ownership,
      lease: deps.lease,
      me: () => ({ hostId: this.hostId, load: this.load, capacity: deps.host.capacity }),
      mayTake: () => this.lease.held() && !this.draining,
      onTakenOver: (sessionId) => void this.reconcileSession(sessionId),
      logger: deps.logger,
      takeoversPerSecond: deps.takeoversPerSecond ?? 20,
    });
    this.events = new EventQueues({ publisher: deps.publisher, metrics: deps.metrics, logger: deps.logger });
    this.failures = new SessionFailures({ ...deps, publisher: this.events });
  }

  get hostId(): string {
    return this.deps.host.hostId;
  }

  session(sessionId: string): ManagedSession | undefined {
    return this.sessions.get(sessionId);
  }

  get load(): number {
    return this.sessions.size;
  }

  async start(): Promise<void> {
    this.lag.enable();
    await this.lease.register();
    this.lease.start();
    this.registered = true;
    this.deps.logger.info({ hostId: this.hostId, endpoint: this.deps.host.endpoint }, 'host registered');
    await this.reconcileAll();
    this.timers.push(
      setInterval(() => void this.reconcileAll(), this.deps.reconcileIntervalMs),
      setInterval(() => void this.watchFleet(), this.deps.lease.heartbeatMs),
    );
    const metricMs = this.deps.metricIntervalMs ?? 60_000;
    if (metricMs > 0) {
      const emit = (): void =>
        this.deps.logger.info(sessionsOwnedMetric(this.load, Date.now()), 'sessions owned');
      emit();
      this.timers.push(setInterval(emit, metricMs));
    }
  }

  /**
   * Graceful exit: stop intake (the record says draining), hand every session
   * to a live peer, then leave the fleet marked gone so peers take at once
   * whatever could not be handed off in the budget. Without handoff (a local
   * Ctrl-C) sessions are only closed and stay assigned here for the next start.
   */
  async shutdown(options: { handoff: boolean } = { handoff: true }): Promise<void> {
    this.draining = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.lease.beat();
    await Promise.allSettled([...this.locks.values()]);
    if (options.handoff && this.lease.held() && this.sessions.size > 0) {
      await handOff({
        hostId: this.hostId,
        sessions: this.sessions,
        registry: this.deps.registry,
        ownership: this.deps.ownership,
        nudge: this.deps.nudge,
        budgetMs: this.deps.handoffBudgetMs ?? 100_000,
        concurrency: 8,
        logger: this.deps.logger,
      });
    } else {
      await Promise.allSettled([...this.sessions.values()].map((s) => s.end('release')));
    }
    this.sessions.clear();
    // Message events whose receipts were held: appended before the host leaves, within a bound.
    await this.events.idle(EVENT_DRAIN_ON_SHUTDOWN_MS);
    this.lease.stop();
    this.lag.disable();
    await this.deps.registry.deregister(this.deps.host).catch(() => undefined);
    this.registered = false;
  }

  /** The lease is lost: close every socket without logging out and fail what is pending. */
  private fenceAll(): void {
    for (const session of [...this.sessions.values()]) session.onFenced();
    this.sessions.clear();
    this.restartTokens.clear();
  }

  private async watchFleet(): Promise<void> {
    try {
      await this.failover.tick();
    } catch (err) {
      this.deps.logger.warn({ err, hostId: this.hostId }, 'fleet watch failed');
    }
  }

  get ready(): boolean {
    return this.registered && !this.draining && this.lease.held();
  }

  /** Events that wait for the log longer than this make /readyz answer 503 (EVENT_BACKLOG). */
  eventBacklog(): ReturnType<EventQueues['backlog']> & { readonly stalled: boolean } {
    const backlog = this.events.backlog();
    return { ...backlog, stalled: backlog.oldestAgeMs > EVENT_BACKLOG_STALL_MS };
  }

  sessionsByStatus(): Record<string, number> {
    const counts: Record<string, number> = { CONNECTED: 0, CONNECTING: 0 };
    for (const s of this.sessions.values()) {
      const key = s.isConnected ? 'CONNECTED' : 'CONNECTING';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  eventLoopLagMs(): number {
    const p99 = this.lag.percentile(99) / 1e6;
    this.lag.reset();
    return Math.round(p99 * 100) / 100;
  }

  async reconcileAll(): Promise<void> {
    if (this.draining || !this.lease.held()) return;
    try {
      const assigned = await this.deps.ownership.assignedTo(this.hostId);
      const seen = new Set(assigned.map((r) => r.sessionId));
      // Only what differs from what runs here gets a consistent read and a decision: with
      // hundreds of sessions, a read per session per round would be the host's main load.
      await Promise.all(
        assigned
          .filter((record) => this.needsAttention(record))
          .map((record) => this.withLock(record.sessionId, () => this.reconcile(record.sessionId))),
      );
      // Running here but no longer assigned here (moved or deleted): check with a consistent read.
      for (const id of this.sessions.keys()) {
        if (!seen.has(id)) void this.withLock(id, () => this.reconcile(id));
      }
    } catch (err) {
      this.deps.logger.warn({ err, hostId: this.hostId }, 'reconcile failed');
    }
  }

  private needsAttention(record: OwnedSession): boolean {
    const local = this.sessions.get(record.sessionId);
    if (record.logoutRequested) return true;
    if (record.desired === 'RUNNING') {
      return (
        !local ||
        local.epoch !== record.epoch ||
        this.restartTokens.get(record.sessionId) !== record.restartRequested
      );
    }
    return local !== undefined || RUNNING_STATUSES.has(record.status);
  }

  /**
   * The session was fenced for deletion: close it (the reconcile sees the
   * deleting owner), refuse every further commit, and resolve once no auth
   * write of it is in flight, so nothing lands after the API's wipe.
   */
  async quiesce(sessionId: string): Promise<void> {
    await this.reconcileSession(sessionId);
    const writers = [...(this.writers.get(sessionId) ?? [])];
    for (const auth of writers) auth.fence();
    await Promise.all(writers.map((auth) => auth.flush()));
    this.writers.delete(sessionId);
  }

  /** Reconciles one session now (the nudge path). */
  reconcileSession(sessionId: string): Promise<void> {
    return this.withLock(sessionId, () => this.reconcile(sessionId));
  }

  private withLock(sessionId: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(sessionId) ?? Promise.resolve();
    const next = previous
      .then(fn)
      .catch((err: unknown) => this.deps.logger.error({ err, sessionId }, 'session reconcile failed'));
    this.locks.set(sessionId, next);
    void next.finally(() => {
      if (this.locks.get(sessionId) === next) this.locks.delete(sessionId);
    });
    return next;
  }

  private async reconcile(sessionId: string): Promise<void> {
    if (this.draining || !this.lease.held()) return;
    const record = await this.deps.ownership.get(sessionId);
    let local = this.sessions.get(sessionId);
    if (!record || record.ownerHostId === DELETING_OWNER) {
      // Being deleted (or gone): unlink the device and write nothing more; the API wipes the auth state.
      if (local) await local.end('unlink');
      for (const auth of this.writers.get(sessionId) ?? []) auth.fence();
      this.forget(sessionId);
      return;
    }
    const mine = record.ownerHostId === this.hostId;
    if (local && (!mine || record.epoch !== local.epoch)) {
      local.onFenced();
      local = undefined;
    }
    if (!mine) return;
    if (record.logoutRequested) {
      if (local) await local.end('logout');
      else {
        const fence = await this.claim(record);
        if (fence) await this.failures.logoutIdle(record, fence, this.prefix(record));
      }
      return;
    }
    if (record.desired === 'RUNNING') {
      if (local && this.restartTokens.get(sessionId) !== record.restartRequested) {
        await local.end('release');
        this.forget(sessionId);
        local = undefined;
      }
      if (!local) await this.startSession(record);
      return;
    }
    if (local) {
      await local.end('stop');
      this.forget(sessionId);
    } else if (RUNNING_STATUSES.has(record.status)) {
      // Left running by an earlier run of a host that died: record the truth.
      const fence = await this.deps.ownership.claim(
        sessionId,
        this.hostId,
        this.deps.host.incarnation,
        record.epoch,
      );
      if (fence) await this.deps.ownership.writeStatus(sessionId, fence, { status: 'STOPPED', qr: null });
    }
  }

  private claim(record: OwnedSession) {
    return this.deps.ownership.claim(record.sessionId, this.hostId, this.deps.host.incarnation, record.epoch);
  }

  private forget(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.restartTokens.delete(sessionId);
    const writers = this.writers.get(sessionId);
    for (const auth of writers ?? []) {
      // An ended session queues no new commits; its last one may still be in flight.
      void auth.flush().then(() => {
        writers?.delete(auth);
        if (writers?.size === 0 && this.writers.get(sessionId) === writers) this.writers.delete(sessionId);
      });
    }
  }

  private prefix(record: OwnedSession): string {
    return AUTH_BUCKET.sessionPrefix(record.tenantId, record.sessionId);
  }

  private async startSession(record: OwnedSession): Promise<void> {
    if (this.sessions.size >= this.deps.host.capacity) {
      this.deps.logger.warn(
        { sessionId: record.sessionId, capacity: this.deps.host.capacity },
        'host at capacity',
      );
      return;
    }
    const { sessionId, tenantId } = record;
    const fence = await this.deps.ownership.claim(
      sessionId,
      this.hostId,
      this.deps.host.incarnation,
      record.epoch,
    );
    if (!fence) return;
    let session: ManagedSession | undefined;
    let auth: S3AuthState;
    try {
      auth = await S3AuthState.open({
        s3: this.deps.s3,
        bucket: this.deps.bucket,
        prefix: this.prefix(record),
        sessionId,
        pointers: this.deps.ownership,
        fence,
        onFenced: () => session?.onFenced(),
        onCommitError: (err) => this.failures.authWriteFailed(record, err),
      });
    } catch (err) {
      await this.failures.authOpenFailed(record, fence, err);
      return;
    }
    const writers = this.writers.get(sessionId) ?? new Set<S3AuthState>();
    writers.add(auth);
    this.writers.set(sessionId, writers);
    session = new ManagedSession({
      sessionId,
      tenantId,
      fence,
      auth,
      ownership: this.deps.ownership,
      events: this.events,
      logger: this.deps.logger,
      metrics: this.deps.metrics,
      socket: this.deps.socket,
      ...(this.deps.policy && { policy: this.deps.policy }),
      onEnded: (id) => {
        if (this.sessions.get(id) === session) this.forget(id);
      },
    });
    this.sessions.set(sessionId, session);
    this.restartTokens.set(sessionId, record.restartRequested);
    session.start();
  }
}
