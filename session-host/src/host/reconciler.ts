import type { Logger } from 'pino';
import { KeyedSerialQueue } from '#commons/concurrency/serial-queue.ts';
import { handBackPatch } from '#commons/domain/capacity-handback.ts';
import { decideReconcile, needsAttention } from '#commons/domain/reconcile-decision.ts';
import type { OwnedSession, SessionOwnership } from '#commons/domain/session-ownership.ts';
import { statusPatch } from '#commons/domain/status-patch.ts';
import { DELETING_OWNER, UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';
import type { HostRegistration } from '#commons/hosts/host-registry.ts';
import type { HostMetrics } from '../metrics.ts';
import type { SessionFailures } from '../session-failures.ts';
import type { AuthWriters } from './auth-writers.ts';
import type { LocalSessions } from './local-sessions.ts';
import { authPrefix, type SessionStarter } from './session-starter.ts';

export interface ReconcilerDeps {
  readonly host: HostRegistration;
  readonly ownership: SessionOwnership;
  readonly local: LocalSessions;
  readonly writers: AuthWriters;
  readonly starter: SessionStarter;
  readonly failures: SessionFailures;
  readonly metrics: HostMetrics;
  /** False while draining or without the lease: nothing is reconciled. */
  readonly mayAct: () => boolean;
  readonly logger: Logger;
}

/**
 * Brings what runs here in line with the session records assigned here, one
 * session at a time per session (a per-session serial queue), deciding each
 * by the pure reconcile rule.
 */
export class Reconciler {
  private readonly perSession = new KeyedSerialQueue();

  constructor(private readonly deps: ReconcilerDeps) {}

  /** Sessions with a reconcile queued or running. */
  get queued(): number {
    return this.perSession.size;
  }

  /** Resolves once every reconcile queued so far has settled. */
  idle(): Promise<void> {
    return this.perSession.idle();
  }

  async reconcileAll(): Promise<void> {
    if (!this.deps.mayAct()) return;
    const { local } = this.deps;
    try {
      const assigned = await this.deps.ownership.assignedTo(this.deps.host.hostId);
      const seen = new Set(assigned.map((r) => r.sessionId));
      // Only what differs from what runs here gets a consistent read and a decision.
      await Promise.all(
        assigned
          .filter((record) => needsAttention(record, local.view(record.sessionId)))
          // Backing off after failed starts: not even a read until its next attempt is due.
          .filter((record) => !this.deps.starter.waitingToRetry(record))
          .map((record) => this.reconcileSession(record.sessionId)),
      );
      // Running here but no longer assigned here (moved or deleted): check with a consistent read.
      for (const id of local.ids()) if (!seen.has(id)) void this.reconcileSession(id);
      // A retry entry lives only while its session still wants to start here.
      this.deps.starter.retainOnly(
        new Set(
          assigned.filter((r) => r.desired === 'RUNNING' && !r.logoutRequested).map((r) => r.sessionId),
        ),
      );
    } catch (err) {
      this.deps.logger.warn({ err, hostId: this.deps.host.hostId }, 'reconcile failed');
    }
  }

  /** Reconciles one session now (the nudge path), after any reconcile of it already queued. */
  reconcileSession(sessionId: string): Promise<void> {
    return this.perSession
      .run(sessionId, () => this.reconcile(sessionId))
      .catch((err: unknown) => this.deps.logger.error({ err, sessionId }, 'session reconcile failed'));
  }

  private async reconcile(sessionId: string): Promise<void> {
    if (!this.deps.mayAct()) return;
    const { local, host } = this.deps;
    const record = await this.deps.ownership.get(sessionId);
    const decision = decideReconcile({
      hostId: host.hostId,
      record: record && { ...record, deleting: record.ownerHostId === DELETING_OWNER },
      local: local.view(sessionId),
      load: local.size + this.deps.starter.pending,
      capacity: host.capacity,
    });
    const running = local.get(sessionId);
    if (decision.fenceLocal) running?.onFenced();
    const current = decision.fenceLocal ? undefined : running;
    switch (decision.action) {
      case 'unlink':
        // Being deleted (or gone): unlink the device and write nothing more; the API wipes the auth state.
        if (current) await current.end('unlink');
        this.deps.writers.fence(sessionId);
        local.forget(sessionId);
        this.deps.starter.forget(sessionId);
        return;
      case 'logout':
        await current?.end('logout');
        return;
      case 'restart':
        await current?.end('release');
        local.forget(sessionId);
        return this.deps.starter.start(record as OwnedSession);
      case 'start':
        return this.deps.starter.start(record as OwnedSession);
      case 'ignore':
        this.deps.starter.forget(sessionId);
        return;
      case 'stop':
        await current?.end('stop');
        local.forget(sessionId);
        return;
      case 'logout-idle':
        return this.logoutIdle(record as OwnedSession);
      case 'adopt':
        return this.recordStopped(record as OwnedSession);
      case 'hand-back':
        return this.handBack(record as OwnedSession);
      case 'keep':
        return;
      case 'idle':
        this.deps.starter.forget(sessionId);
        return;
    }
  }

  private async logoutIdle(record: OwnedSession): Promise<void> {
    const fence = await this.deps.starter.claim(record);
    if (fence) await this.deps.failures.logoutIdle(record, fence, authPrefix(record));
  }

  /**
   * Placed here while this host was full (the API saw a load a heartbeat old):
   * parked on the unassigned owner with a reason, where the first host with
   * room takes it over, instead of waiting here for a slot that may never free.
   */
  private async handBack(record: OwnedSession): Promise<void> {
    const { host, ownership, metrics, logger } = this.deps;
    const fence = await this.deps.starter.claim(record);
    if (!fence) return;
    await ownership.writeStatus(record.sessionId, fence, handBackPatch(record, host.hostId));
    await ownership.release(record.sessionId, fence, UNASSIGNED_HOST);
    this.deps.starter.forget(record.sessionId);
    metrics.handBacks.inc();
    logger.warn({ sessionId: record.sessionId, capacity: host.capacity }, 'host full: session handed back');
  }

  /** Left running by an earlier run of a host that died: record the truth. */
  private async recordStopped(record: OwnedSession): Promise<void> {
    const fence = await this.deps.starter.claim(record);
    if (!fence) return;
    const { patch } = statusPatch(record, { type: 'STOPPED' }, { qr: null });
    await this.deps.ownership.writeStatus(record.sessionId, fence, patch);
  }
}
