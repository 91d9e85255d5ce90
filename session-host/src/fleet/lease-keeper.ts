import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '#commons/domain/clock.ts';
import { type LeaseConfig, leaseChange, leaseHeld } from '#commons/domain/lease.ts';
import type { HostRegistration, HostRegistry } from '#commons/hosts/host-registry.ts';
import { systemClock } from '#commons/runtime/system-clock.ts';

export interface LeaseKeeperDeps {
  readonly registry: HostRegistry;
  readonly host: HostRegistration;
  readonly lease: LeaseConfig;
  readonly load: () => number;
  readonly draining: () => boolean;
  /**
   * The lease is lost (no renewal confirmed for `selfFenceMs`): stop acting at
   * once (no starts, takeovers or sends; `held()` says so). Running sockets stay
   * open, suspended: their commits wait (HostLease.whenActing), every other
   * write of theirs is still fenced on the epoch.
   */
  readonly onLost?: () => void;
  /**
   * Held again within a lease of the loss: check each suspended session against
   * its record before acting again. A peer's takeover lands only while this
   * host's row is as the peer judged it, so none can land after the renewal.
   */
  readonly onRegained: () => void;
  /** Not held again within a lease of the loss: close every session without logging out. */
  readonly onGiveUp: () => void;
  readonly logger: Logger;
  /** Monotonic time and timers; the system clock unless a simulation drives it. */
  readonly clock?: Clock;
}

/**
 * Keeps this host's record alive and knows, on this host's monotonic clock,
 * whether it still holds its lease: renewals count from when they were *sent*,
 * and only once DynamoDB confirmed them.
 */
export class LeaseKeeper {
  private confirmedSendAt: number | undefined;
  private wasHeld = false;
  /** When the lease was lost with sessions suspended; undefined while held or once given up. */
  private lostAt: number | undefined;
  private timers: TimerHandle[] = [];
  private readonly clock: Clock;

  constructor(private readonly deps: LeaseKeeperDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  async register(): Promise<void> {
    const sentAt = this.clock.now();
    await this.deps.registry.register(this.deps.host, this.deps.load());
    this.confirm(sentAt);
  }

  start(): void {
    const { heartbeatMs } = this.deps.lease;
    this.timers.push(
      this.clock.setInterval(() => void this.beat(), heartbeatMs),
      this.clock.setInterval(() => this.check(), Math.max(100, Math.floor(heartbeatMs / 4))),
    );
  }

  stop(): void {
    for (const t of this.timers) this.clock.clear(t);
    this.timers = [];
  }

  /**
   * True while this host may act as owner of its sessions. Cheap: call it
   * before acting. After a loss it stays false until a check saw the lease
   * held again and called onRegained, even once a renewal is confirmed.
   */
  held(): boolean {
    return this.valid() && this.lostAt === undefined;
  }

  /** The last confirmed renewal was sent less than `selfFenceMs` ago. */
  private valid(): boolean {
    return leaseHeld(this.confirmedSendAt, this.clock.now(), this.deps.lease);
  }

  async beat(): Promise<void> {
    const sentAt = this.clock.now();
    try {
      const renewed = await this.deps.registry.heartbeat(
        this.deps.host,
        this.deps.load(),
        this.deps.draining(),
      );
      if (renewed) this.confirm(sentAt);
      else if (!this.deps.draining()) {
        // Our record vanished or was marked gone: register again (our sessions were fenced by the epoch).
        await this.deps.registry.register(this.deps.host, this.deps.load());
        this.confirm(sentAt);
      }
    } catch (err) {
      this.deps.logger.warn({ err, hostId: this.deps.host.hostId }, 'heartbeat failed');
    }
  }

  private confirm(sentAt: number): void {
    // A loss no check saw yet (the event loop stalled past it) is a loss all the same.
    if (!this.valid()) this.check();
    this.confirmedSendAt = Math.max(this.confirmedSendAt ?? sentAt, sentAt);
  }

  private check(): void {
    const held = this.valid();
    const change = leaseChange(this.wasHeld, held, this.confirmedSendAt !== undefined);
    this.wasHeld = held;
    const { hostId } = this.deps.host;
    const now = this.clock.now();
    if (change === 'lost') {
      this.lostAt = now;
      this.deps.logger.warn({ hostId }, 'lease lost: sessions suspended');
      this.deps.onLost?.();
    }
    if (change === 'gained') {
      const suspended = this.lostAt !== undefined;
      this.lostAt = undefined;
      this.deps.logger.info({ hostId }, 'lease held');
      if (suspended) this.deps.onRegained();
    }
    if (this.lostAt !== undefined && now - this.lostAt >= this.deps.lease.leaseMs) {
      this.lostAt = undefined;
      this.deps.logger.warn({ hostId }, 'lease not regained: fencing every session');
      this.deps.onGiveUp();
    }
  }
}
