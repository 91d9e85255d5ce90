import pino from 'pino';
import { KeyedSerialQueue } from '#commons/concurrency/serial-queue.ts';
import type { Clock, TimerHandle } from '#commons/domain/clock.ts';
import { FencedError } from '#commons/domain/fence.ts';
import type { LeaseConfig } from '#commons/domain/lease.ts';
import { decideReconcile, needsAttention } from '#commons/domain/reconcile-decision.ts';
import type { SessionOwnership } from '#commons/domain/session-ownership.ts';
import type { HostRegistration, HostRegistry } from '#commons/hosts/host-registry.ts';
import { FailoverWatcher } from '../../../session-host/src/fleet/failover-watcher.ts';
import { type HandedSession, handOff } from '../../../session-host/src/fleet/handoff.ts';
import { LeaseKeeper, type LeaseKeeperDeps } from '../../../session-host/src/fleet/lease-keeper.ts';
import { LeaseGap, type SuspendedSession } from '../../../session-host/src/fleet/lease-resume.ts';

const silent = pino({ level: 'silent' });

export interface SimHostDeps {
  readonly host: HostRegistration;
  readonly ownership: SessionOwnership;
  readonly registry: HostRegistry;
  readonly clock: Clock;
  readonly lease: LeaseConfig;
  readonly reconcileIntervalMs: number;
  /** How often a running session writes (status, auth commit), each write fenced. */
  readonly writeIntervalMs: number;
  readonly random: () => number;
  readonly takeoversPerSecond: number;
  readonly handoffBudgetMs: number;
  readonly nudge: (endpoint: string, sessionId: string) => Promise<void>;
  /** The control test swaps in a broken subclass; everything else runs the real LeaseKeeper. */
  readonly leaseKeeper?: (deps: LeaseKeeperDeps) => LeaseKeeper;
}

/**
 * One session host as SessionHost composes it, minus Baileys: the real
 * LeaseKeeper, FailoverWatcher and handOff with the same callbacks, the real
 * reconcile rule, and a running session reduced to its fence and the fenced
 * writes it makes (closed on FencedError, as ManagedSession.onFenced does).
 */
export class SimHost {
  /** Sessions with an open socket here, by the epoch they were claimed at. */
  readonly local = new Map<string, number>();
  readonly lease: LeaseKeeper;
  private readonly gap: LeaseGap<SuspendedSession>;
  private readonly failover: FailoverWatcher;
  private readonly perSession = new KeyedSerialQueue();
  private timers: TimerHandle[] = [];
  private draining = false;
  private pointerVersion = new Map<string, number | undefined>();

  constructor(private readonly deps: SimHostDeps) {
    const leaseDeps: LeaseKeeperDeps = {
      registry: deps.registry,
      host: deps.host,
      lease: deps.lease,
      load: () => this.local.size,
      draining: () => this.draining,
      onLost: () => this.gap.suspend(),
      onRegained: () => void this.gap.regained(),
      onGiveUp: () => {
        this.local.clear();
        this.gap.gaveUp();
      },
      logger: silent,
      clock: deps.clock,
    };
    // HostLease's way back from a lease gap (SessionHost's), on this host's map of sockets.
    this.gap = new LeaseGap({
      check: { hostId: deps.host.hostId, read: (id) => deps.ownership.get(id), clock: deps.clock },
      sessions: () => [...this.local].map(([sessionId, epoch]) => ({ sessionId, epoch })),
      fence: ({ sessionId, epoch }) => {
        if (this.local.get(sessionId) === epoch) this.local.delete(sessionId);
      },
      held: () => this.acting(),
      resumed: () => void this.reconcileAll(),
    });
    this.lease = deps.leaseKeeper?.(leaseDeps) ?? new LeaseKeeper(leaseDeps);
    this.failover = new FailoverWatcher({
      registry: deps.registry,
      ownership: deps.ownership,
      lease: deps.lease,
      me: () => ({ hostId: this.hostId, load: this.local.size, capacity: deps.host.capacity }),
      mayTake: () => this.acting() && !this.draining,
      onTakenOver: (sessionId) => void this.reconcileSession(sessionId),
      logger: silent,
      takeoversPerSecond: deps.takeoversPerSecond,
      random: deps.random,
      clock: deps.clock,
    });
  }

  get hostId(): string {
    return this.deps.host.hostId;
  }

  get incarnation(): string {
    return this.deps.host.incarnation;
  }

  /**
   * True while this host acts as the owner of `sessionId`: its socket is open,
   * its lease held and, after a lease gap, the session checked against its record.
   */
  owns(sessionId: string): boolean {
    return this.local.has(sessionId) && this.acting();
  }

  private acting(): boolean {
    return this.lease.held() && !this.gap.checking;
  }

  async start(): Promise<void> {
    await this.lease.register();
    this.lease.start();
    await this.reconcileAll();
    const { clock } = this.deps;
    this.timers.push(
      clock.setInterval(() => void this.reconcileAll(), this.deps.reconcileIntervalMs),
      clock.setInterval(() => void this.watchFleet(), this.deps.lease.heartbeatMs),
      clock.setInterval(() => this.writeSome(), this.deps.writeIntervalMs),
    );
  }

  /** SessionHost.shutdown with handoff: drain, hand every session to a peer, leave marked gone. */
  async shutdown(): Promise<void> {
    this.draining = true;
    for (const t of this.timers) this.deps.clock.clear(t);
    this.timers = [];
    await this.lease.beat();
    await this.perSession.idle();
    if (this.lease.held() && this.local.size > 0) {
      const sessions = new Map<string, HandedSession>(
        [...this.local].map(([sessionId, epoch]) => [
          sessionId,
          { sessionId, epoch, end: async () => void this.local.delete(sessionId) },
        ]),
      );
      await handOff({
        hostId: this.hostId,
        sessions,
        registry: this.deps.registry,
        ownership: this.deps.ownership,
        nudge: this.deps.nudge,
        budgetMs: this.deps.handoffBudgetMs,
        concurrency: 8,
        logger: silent,
        clock: this.deps.clock,
      });
    }
    this.local.clear();
    this.lease.stop();
    await this.deps.registry.deregister(this.deps.host).catch(() => undefined);
  }

  reconcileSession(sessionId: string): Promise<void> {
    return this.perSession.run(sessionId, () => this.reconcile(sessionId)).catch(() => undefined);
  }

  private mayAct(): boolean {
    return !this.draining && this.acting();
  }

  private async reconcileAll(): Promise<void> {
    if (!this.mayAct()) return;
    try {
      const assigned = await this.deps.ownership.assignedTo(this.hostId);
      const seen = new Set(assigned.map((r) => r.sessionId));
      await Promise.all(
        assigned
          .filter((r) => needsAttention(r, this.view(r.sessionId)))
          .map((r) => this.reconcileSession(r.sessionId)),
      );
      for (const id of this.local.keys()) if (!seen.has(id)) void this.reconcileSession(id);
    } catch {
      // A failed round is repeated by the next one, as in the real reconciler.
    }
  }

  private view(sessionId: string): { epoch: number; restartToken: undefined } | undefined {
    const epoch = this.local.get(sessionId);
    return epoch === undefined ? undefined : { epoch, restartToken: undefined };
  }

  private async reconcile(sessionId: string): Promise<void> {
    if (!this.mayAct()) return;
    const record = await this.deps.ownership.get(sessionId);
    const decision = decideReconcile({
      hostId: this.hostId,
      record,
      local: this.view(sessionId),
      load: this.local.size,
      capacity: this.deps.host.capacity,
    });
    if (decision.fenceLocal) this.local.delete(sessionId);
    if (decision.action !== 'start' || !record) return;
    const { host } = this.deps;
    const fence = await this.deps.ownership.claim(sessionId, host.hostId, host.incarnation, record.epoch);
    if (!fence) return;
    this.local.set(sessionId, fence.epoch);
    this.pointerVersion.set(sessionId, record.authPointer?.version);
  }

  private async watchFleet(): Promise<void> {
    await this.failover.tick().catch(() => undefined);
  }

  /** What Baileys events make a session do: status writes and auth commits, fenced, not gated on the lease. */
  private writeSome(): void {
    for (const [sessionId, epoch] of this.local) {
      if (this.deps.random() > 0.3) continue;
      const fence = { hostId: this.hostId, epoch };
      const write =
        this.deps.random() < 0.5
          ? this.deps.ownership.writeStatus(sessionId, fence, { status: 'CONNECTED' })
          : this.commit(sessionId, fence);
      write.catch((err: unknown) => {
        if (err instanceof FencedError && this.local.get(sessionId) === epoch) this.local.delete(sessionId);
      });
    }
  }

  private async commit(sessionId: string, fence: { hostId: string; epoch: number }): Promise<void> {
    const previous = this.pointerVersion.get(sessionId);
    const next = (previous ?? 0) + 1;
    this.pointerVersion.set(sessionId, next);
    await this.deps.ownership.commit(sessionId, fence, previous, {
      version: next,
      journal: [],
      journalBytes: 0,
    });
  }
}
