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
  /** The lease is lost: close every session without logging out, before any peer can take them. */
  readonly onLost: () => void;
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

  /** True while this host may act as owner of its sessions. Cheap: call it before acting. */
  held(): boolean {
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
    this.confirmedSendAt = Math.max(this.confirmedSendAt ?? sentAt, sentAt);
  }

  private check(): void {
    const held = this.held();
    const change = leaseChange(this.wasHeld, held, this.confirmedSendAt !== undefined);
    this.wasHeld = held;
    if (change === 'lost') {
      this.deps.logger.warn({ hostId: this.deps.host.hostId }, 'lease lost: fencing every session');
      this.deps.onLost();
    }
    if (change === 'gained') this.deps.logger.info({ hostId: this.deps.host.hostId }, 'lease held');
  }
}
