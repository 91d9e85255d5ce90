import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { Semaphore } from '#commons/concurrency/semaphore.ts';
import type { Clock, TimerHandle } from '#commons/domain/clock.ts';
import type { DisconnectPolicyConfig } from '#commons/domain/disconnect-policy.ts';
import type { LeaseConfig } from '#commons/domain/lease.ts';
import type { SendQueue, SentContents } from '#commons/domain/session-outbox.ts';
import type { SessionOwnership } from '#commons/domain/session-ownership.ts';
import type { EventPublisher } from '#commons/events/ports.ts';
import type { HostRegistration, HostRegistry } from '#commons/hosts/host-registry.ts';
import { sessionsOwnedMetric } from '#commons/observability/metric-names.ts';
import { systemClock } from '#commons/runtime/system-clock.ts';
import { FailoverWatcher } from './fleet/failover-watcher.ts';
import { handOff } from './fleet/handoff.ts';
import { HostLease } from './fleet/host-lease.ts';
import { AuthWriters } from './host/auth-writers.ts';
import { LocalSessions } from './host/local-sessions.ts';
import { failingQueuedOnLogout, OutboxDrains } from './host/outbox-drains.ts';
import { Reconciler } from './host/reconciler.ts';
import { SessionStarter } from './host/session-starter.ts';
import { StartRetries } from './host/start-retries.ts';
import { DEFAULT_HOST_LIMITS, type HostLimits } from './host-limits.ts';
import type { MediaRuntime } from './media/media-runtime.ts';
import { storedSentContents } from './messaging/stored-sent-contents.ts';
import type { HostMetrics } from './metrics.ts';
import type { AuthStateStore } from './ports/auth-state-store.ts';
import { EventQueues } from './runtime/event-queue.ts';
import type { ManagedSession, SocketSettings } from './runtime/managed-session.ts';
import { SessionFailures } from './session-failures.ts';

export interface SessionHostDeps {
  readonly host: HostRegistration;
  readonly ownership: SessionOwnership;
  readonly registry: HostRegistry;
  readonly authStates: AuthStateStore;
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
  /** Lease time, timers and sleeps of the fleet logic; the system clock unless a simulation drives it. */
  readonly clock?: Clock;
  /** Start concurrency, start backoff, send pacing; DEFAULT_HOST_LIMITS unless set. */
  readonly limits?: Partial<HostLimits>;
  /** The durable send queue (202 path); without it queued messages wait for a host that has one. */
  readonly queue?: SendQueue;
  /** Where SENT rows keep what was sent (the queue's table), for a resend after a takeover. */
  readonly sentContents?: SentContents;
  /** Media in and out (bucket, media-host trust, transfer slots); without it media is refused or announced failed. */
  readonly media?: MediaRuntime;
}

const EVENT_DRAIN_ON_SHUTDOWN_MS = 10_000;
const EVENT_BACKLOG_STALL_MS = 10_000;

/**
 * A long-lived process running many WhatsApp sessions. It learns what to run
 * by reconciling the sessions assigned to it (on a timer, and at once when
 * nudged), claims each with a fencing epoch, and keeps its host record alive.
 */
export class SessionHost {
  private readonly writers = new AuthWriters();
  private readonly local = new LocalSessions(this.writers);
  private readonly lag = monitorEventLoopDelay({ resolution: 20 });
  private readonly clock: Clock;
  private timers: TimerHandle[] = [];
  private draining = false;
  private readonly lease: HostLease<ManagedSession>;
  private readonly failover: FailoverWatcher;
  private readonly reconciler: Reconciler;
  private readonly retries: StartRetries;
  private readonly starter: SessionStarter;
  private readonly drains: OutboxDrains | undefined;
  /** Every event this host emits goes through here: ordered per session, retried, bounded. */
  readonly events: EventQueues;
  registered = false;

  constructor(private readonly deps: SessionHostDeps) {
    this.clock = deps.clock ?? systemClock;
    this.lease = new HostLease({
      ...deps,
      load: () => this.load,
      draining: () => this.draining,
      read: (id) => deps.ownership.get(id),
      sessions: () => this.local.all(),
      fence: (session) => session.onFenced(),
      fenceAll: () => this.fenceAll(),
      resumed: () => {
        void this.reconcileAll();
        for (const id of this.local.ids()) this.drains?.kick(id);
      },
      clock: this.clock,
    });
    this.failover = new FailoverWatcher({
      registry: deps.registry,
      ownership: deps.ownership,
      lease: deps.lease,
      me: () => ({ hostId: this.hostId, load: this.load, capacity: deps.host.capacity }),
      mayTake: () => this.acting() && !this.draining,
      onTakenOver: (sessionId) => void this.reconcileSession(sessionId),
      publishLoad: () => this.lease.beat(),
      logger: deps.logger,
      takeoversPerSecond: deps.takeoversPerSecond ?? 20,
      clock: this.clock,
    });
    this.events = new EventQueues({ publisher: deps.publisher, metrics: deps.metrics, logger: deps.logger });
    const failures = new SessionFailures({ ...deps, publisher: this.events });
    const common = { ...deps, local: this.local, writers: this.writers, failures };
    const limits = { ...DEFAULT_HOST_LIMITS, ...deps.limits };
    this.drains =
      deps.queue &&
      new OutboxDrains({
        queue: deps.queue,
        events: this.events,
        logger: deps.logger,
        current: (sessionId) => (this.acting() ? this.local.get(sessionId) : undefined),
        backstopMs: limits.outboxBackstopMs,
      });
    this.retries = new StartRetries(limits.startBackoff, () => this.clock.now());
    this.starter = new SessionStarter({
      ...common,
      events: failingQueuedOnLogout(this.events, this.drains, deps.logger),
      retries: this.retries,
      pacing: limits.sendPacing,
      startSlots: new Semaphore(limits.startConcurrency),
      onConnected: (sessionId) => this.drains?.kick(sessionId),
      whenActing: () => this.lease.whenActing(),
      ...(deps.sentContents && { sentReader: storedSentContents(deps.sentContents, deps.metrics) }),
    });
    this.reconciler = new Reconciler({
      ...common,
      starter: this.starter,
      mayAct: () => !this.draining && this.acting(),
    });
  }

  get hostId(): string {
    return this.deps.host.hostId;
  }

  session(sessionId: string): ManagedSession | undefined {
    return this.local.get(sessionId);
  }

  /** Sessions running here plus starts under way (reserved). */
  get load(): number {
    return this.local.size + this.starter.pending;
  }

  async start(): Promise<void> {
    this.lag.enable();
    await this.lease.register();
    this.lease.start();
    this.registered = true;
    this.deps.logger.info({ hostId: this.hostId, endpoint: this.deps.host.endpoint }, 'host registered');
    await this.reconcileAll();
    this.timers.push(
      this.clock.setInterval(() => void this.reconcileAll(), this.deps.reconcileIntervalMs),
      this.clock.setInterval(() => void this.watchFleet(), this.deps.lease.heartbeatMs),
    );
    const metricMs = this.deps.metricIntervalMs ?? 60_000;
    if (metricMs > 0) {
      const emit = (): void =>
        this.deps.logger.info(sessionsOwnedMetric(this.load, this.clock.wallNow()), 'sessions owned');
      emit();
      this.timers.push(this.clock.setInterval(emit, metricMs));
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
    for (const t of this.timers) this.clock.clear(t);
    this.timers = [];
    await this.lease.beat();
    await this.reconciler.idle();
    if (options.handoff && this.lease.held() && this.local.size > 0) {
      await handOff({
        hostId: this.hostId,
        sessions: this.local.asMap(),
        registry: this.deps.registry,
        ownership: this.deps.ownership,
        nudge: this.deps.nudge,
        budgetMs: this.deps.handoffBudgetMs ?? 100_000,
        concurrency: 8,
        logger: this.deps.logger,
        clock: this.clock,
      });
    } else {
      await Promise.allSettled(this.local.all().map((s) => s.end('release')));
    }
    this.local.clear();
    // Message events whose receipts were held: appended before the host leaves, within a bound.
    await this.events.idle(EVENT_DRAIN_ON_SHUTDOWN_MS);
    this.lease.stop();
    this.lag.disable();
    await this.deps.registry.deregister(this.deps.host).catch(() => undefined);
    this.registered = false;
  }

  /** Held, and no session left unchecked after a lease gap: this host may act as owner. */
  private acting(): boolean {
    return this.lease.acting();
  }

  /** The lease was not regained in time: close every socket without logging out and fail what is pending. */
  private fenceAll(): void {
    for (const session of this.local.all()) session.onFenced();
    this.local.clear();
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
    for (const s of this.local.all()) {
      const key = s.isConnected ? 'CONNECTED' : 'CONNECTING';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  /**
   * Entries of every per-session map this host keeps: all zero once it runs
   * nothing and its last writes and events settled (a leak shows here first).
   */
  perSessionEntries(): Record<string, number> {
    return {
      sessions: this.local.size,
      restartTokens: this.local.restartTokenCount,
      authWriters: this.writers.size,
      eventQueues: this.events.backlog().sessions,
      reconcileQueues: this.reconciler.queued,
      startRetries: this.retries.size,
      outboxDrains: this.drains?.size ?? 0,
    };
  }

  eventLoopLagMs(): number {
    const p99 = this.lag.percentile(99) / 1e6;
    this.lag.reset();
    return Math.round(p99 * 100) / 100;
  }

  /** Every round also looks at the send queues that may hold work (a lost nudge only delays a message). */
  async reconcileAll(): Promise<void> {
    await this.reconciler.reconcileAll();
    this.drains?.backstop(this.local.ids());
  }

  /** Reconciles one session now (the nudge path: a start, a handoff, a queued message). */
  async reconcileSession(sessionId: string): Promise<void> {
    await this.reconciler.reconcileSession(sessionId);
    this.drains?.kick(sessionId);
  }

  /**
   * The session was fenced for deletion: close it (the reconcile sees the
   * deleting owner), refuse every further commit, and resolve once no auth
   * write of it is in flight, so nothing lands after the API's wipe.
   */
  async quiesce(sessionId: string): Promise<void> {
    await this.reconcileSession(sessionId);
    await this.writers.quiesce(sessionId);
  }
}
