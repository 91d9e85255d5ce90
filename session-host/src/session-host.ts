import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import type { DisconnectPolicyConfig } from '#commons/domain/disconnect-policy.ts';
import { LOGGED_OUT_BY_REQUEST } from '#commons/domain/session-status.ts';
import type { EventPublisher } from '#commons/events/ports.ts';
import { sessionsOwnedMetric } from '#commons/observability/metric-names.ts';
import { AUTH_BUCKET } from '#commons/storage/tables.ts';
import { AuthStateCorruptedError } from './auth-state/auth-data.ts';
import { type Fence, FencedError } from './auth-state/fence.ts';
import { S3AuthState, wipePrefix } from './auth-state/s3-auth-state.ts';
import type { HostMetrics } from './metrics.ts';
import { ManagedSession, type SocketSettings } from './runtime/managed-session.ts';
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
  readonly heartbeatIntervalMs: number;
  /** How often the SessionsOwned metric is logged (embedded metric format); 0 turns it off. */
  readonly metricIntervalMs?: number;
  readonly policy?: DisconnectPolicyConfig;
}

const RUNNING_STATUSES = new Set(['STARTING', 'QR', 'CONNECTED', 'DISCONNECTED']);

export const AUTH_STATE_CORRUPTED = {
  code: 'AUTH_STATE_CORRUPTED',
  message: 'the stored WhatsApp auth state of this session cannot be read',
  action:
    'log the session out (POST /v1/sessions/{id}/logout) to wipe it, then start it and link the phone again',
} as const;

/**
 * A long-lived process running many WhatsApp sessions. It learns what to run
 * by reconciling the sessions assigned to it (on a timer, and at once when
 * nudged), claims each with a fencing epoch, and keeps its host record alive.
 */
export class SessionHost {
  private readonly sessions = new Map<string, ManagedSession>();
  private readonly restartTokens = new Map<string, string | undefined>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly lag = monitorEventLoopDelay({ resolution: 20 });
  private timers: NodeJS.Timeout[] = [];
  private draining = false;
  registered = false;

  constructor(private readonly deps: SessionHostDeps) {}

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
    await this.deps.registry.register(this.deps.host, this.load);
    this.registered = true;
    this.deps.logger.info({ hostId: this.hostId, endpoint: this.deps.host.endpoint }, 'host registered');
    await this.reconcileAll();
    this.timers.push(
      setInterval(() => void this.reconcileAll(), this.deps.reconcileIntervalMs),
      setInterval(() => void this.heartbeat(), this.deps.heartbeatIntervalMs),
    );
    const metricMs = this.deps.metricIntervalMs ?? 60_000;
    if (metricMs > 0) {
      const emit = (): void =>
        this.deps.logger.info(sessionsOwnedMetric(this.load, Date.now()), 'sessions owned');
      emit();
      this.timers.push(setInterval(emit, metricMs));
    }
  }

  /** Stops intake, closes every socket without logging out, and deregisters. Sessions resume on restart. */
  async shutdown(): Promise<void> {
    this.draining = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.allSettled([...this.locks.values()]);
    await Promise.allSettled([...this.sessions.values()].map((s) => s.end('release')));
    this.sessions.clear();
    this.lag.disable();
    await this.deps.registry.deregister(this.deps.host).catch(() => undefined);
    this.registered = false;
  }

  get ready(): boolean {
    return this.registered && !this.draining;
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

  private async heartbeat(): Promise<void> {
    try {
      const renewed = await this.deps.registry.heartbeat(this.deps.host, this.load, this.draining);
      if (!renewed && !this.draining) await this.deps.registry.register(this.deps.host, this.load);
    } catch (err) {
      this.deps.logger.warn({ err, hostId: this.hostId }, 'heartbeat failed');
    }
  }

  async reconcileAll(): Promise<void> {
    if (this.draining) return;
    try {
      const assigned = await this.deps.ownership.assignedTo(this.hostId);
      const seen = new Set(assigned.map((r) => r.sessionId));
      await Promise.all(
        assigned.map((record) => this.withLock(record.sessionId, () => this.reconcile(record.sessionId))),
      );
      // Running here but no longer assigned here (moved or deleted): check with a consistent read.
      for (const id of this.sessions.keys()) {
        if (!seen.has(id)) void this.withLock(id, () => this.reconcile(id));
      }
    } catch (err) {
      this.deps.logger.warn({ err, hostId: this.hostId }, 'reconcile failed');
    }
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
    if (this.draining) return;
    const record = await this.deps.ownership.get(sessionId);
    let local = this.sessions.get(sessionId);
    if (!record) {
      // Deleted: unlink the device; the API removed the record and the auth state.
      if (local) await local.end('unlink');
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
      else await this.logoutIdle(record);
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

  private forget(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.restartTokens.delete(sessionId);
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
        onCommitError: (err) => this.onAuthWriteError(record, err),
      });
    } catch (err) {
      await this.onAuthOpenError(record, fence, err);
      return;
    }
    session = new ManagedSession({
      sessionId,
      tenantId,
      fence,
      auth,
      ownership: this.deps.ownership,
      publisher: this.deps.publisher,
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

  private onAuthWriteError(record: OwnedSession, err: unknown): void {
    if (err instanceof FencedError) return;
    this.deps.metrics.authWriteErrors.inc();
    this.deps.logger.error({ err, sessionId: record.sessionId }, 'auth state write failed');
    void this.deps.publisher
      .publish({
        type: 'session:error',
        tenantId: record.tenantId,
        sessionId: record.sessionId,
        data: {
          code: 'AUTH_STATE_WRITE_FAILED',
          message: 'could not persist keys; WhatsApp will retry delivery',
        },
      })
      .catch(() => this.deps.metrics.publishErrors.inc());
  }

  private async onAuthOpenError(record: OwnedSession, fence: Fence, err: unknown): Promise<void> {
    const { sessionId, tenantId } = record;
    const corrupted = err instanceof AuthStateCorruptedError;
    this.deps.logger.error({ err, sessionId, corrupted }, 'auth state could not be loaded');
    const code = corrupted ? AUTH_STATE_CORRUPTED.code : 'AUTH_STATE_UNAVAILABLE';
    if (corrupted) {
      // Never a crash loop and never a silent new QR over a linked device: stop and say how to get out.
      await this.deps.ownership.writeStatus(
        sessionId,
        fence,
        { status: 'FAILED', statusReason: AUTH_STATE_CORRUPTED, qr: null },
        'STOPPED',
      );
    }
    await this.deps.publisher
      .publish({
        type: 'session:error',
        tenantId,
        sessionId,
        data: {
          code,
          ...(corrupted
            ? { reason: AUTH_STATE_CORRUPTED }
            : { message: 'auth state storage unavailable; retrying' }),
        },
      })
      .catch(() => this.deps.metrics.publishErrors.inc());
  }

  /** A logout for a session not running here: wipe its state without reading it (it may be corrupted). */
  private async logoutIdle(record: OwnedSession): Promise<void> {
    const fence = await this.deps.ownership.claim(
      record.sessionId,
      this.hostId,
      this.deps.host.incarnation,
      record.epoch,
    );
    if (!fence) return;
    await this.deps.ownership.clear(record.sessionId, fence);
    await wipePrefix(this.deps.s3, this.deps.bucket, this.prefix(record));
    await this.deps.ownership.writeStatus(
      record.sessionId,
      fence,
      {
        status: 'LOGGED_OUT',
        statusReason: LOGGED_OUT_BY_REQUEST,
        qr: null,
        me: null,
        clearLogoutRequest: true,
      },
      'STOPPED',
    );
    await this.deps.publisher
      .publish({
        type: 'session:logged-out',
        tenantId: record.tenantId,
        sessionId: record.sessionId,
        data: {},
      })
      .catch(() => this.deps.metrics.publishErrors.inc());
  }
}
