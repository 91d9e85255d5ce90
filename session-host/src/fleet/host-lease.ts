import type { Logger } from 'pino';
import type { Clock } from '#commons/domain/clock.ts';
import type { LeaseConfig } from '#commons/domain/lease.ts';
import type { HostRegistration, HostRegistry } from '#commons/hosts/host-registry.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { LeaseGap, type ResumeCheck, type SuspendedSession } from './lease-resume.ts';

export interface HostLeaseDeps<S extends SuspendedSession> {
  readonly registry: HostRegistry;
  readonly host: HostRegistration;
  readonly lease: LeaseConfig;
  readonly load: () => number;
  readonly draining: () => boolean;
  readonly read: ResumeCheck['read'];
  /** The sessions running here now. */
  readonly sessions: () => readonly S[];
  /** Closes one session a peer took during a gap, without logging out. */
  readonly fence: (session: S) => void;
  /** Closes every session without logging out: the lease was not back within a lease. */
  readonly fenceAll: () => void;
  /** The lease is held again and every session was checked: act again (reconcile, drain). */
  readonly resumed: () => void;
  readonly logger: Logger;
  readonly clock: Clock;
}

/**
 * A host's lease as the host acts on it: the LeaseKeeper's renewals, and the
 * way back from a gap (LeaseGap). Lost: nothing acts and nothing commits, the
 * sockets stay. Held again: each session checked against its record first.
 * Not back within a lease: every session closed.
 */
export class HostLease<S extends SuspendedSession> {
  private readonly keeper: LeaseKeeper;
  private readonly gap: LeaseGap<S>;

  constructor(deps: HostLeaseDeps<S>) {
    this.keeper = new LeaseKeeper({
      registry: deps.registry,
      host: deps.host,
      lease: deps.lease,
      load: deps.load,
      draining: deps.draining,
      onLost: () => this.gap.suspend(),
      onRegained: () => void this.gap.regained(),
      onGiveUp: () => {
        deps.fenceAll();
        this.gap.gaveUp();
      },
      logger: deps.logger,
      clock: deps.clock,
    });
    this.gap = new LeaseGap({
      check: { hostId: deps.host.hostId, read: deps.read, clock: deps.clock },
      sessions: deps.sessions,
      fence: deps.fence,
      held: () => this.acting(),
      resumed: deps.resumed,
    });
  }

  /** Held, and no session left unchecked after a gap: this host may act as owner. */
  acting(): boolean {
    return this.keeper.held() && !this.gap.checking;
  }

  /** Resolves once this host may write again (at once while acting). */
  whenActing(): Promise<void> {
    return this.gap.whenActing();
  }

  held(): boolean {
    return this.keeper.held();
  }

  register(): Promise<void> {
    return this.keeper.register();
  }

  start(): void {
    this.keeper.start();
  }

  stop(): void {
    this.keeper.stop();
  }

  beat(): Promise<void> {
    return this.keeper.beat();
  }
}
