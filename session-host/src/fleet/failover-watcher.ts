import type { Logger } from 'pino';
import type { Clock } from '#commons/domain/clock.ts';
import { type HostLoad, type LeaseConfig, PeerTracker, planTakeover } from '#commons/domain/lease.ts';
import type { SessionOwnership } from '#commons/domain/session-ownership.ts';
import { UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';
import type { HostRegistry } from '#commons/hosts/host-registry.ts';
import { systemClock } from '#commons/runtime/system-clock.ts';

export interface FailoverDeps {
  readonly registry: Pick<HostRegistry, 'all' | 'forget'>;
  readonly ownership: Pick<SessionOwnership, 'assignedTo' | 'takeover' | 'owners'>;
  readonly lease: LeaseConfig;
  readonly me: () => HostLoad;
  /** False while this host must not take anything (lease not held, draining). */
  readonly mayTake: () => boolean;
  readonly onTakenOver: (sessionId: string) => void;
  /**
   * Publishes this host's load at once (a heartbeat) after it took sessions: a peer that
   * notices the same death a moment later plans with it, instead of a load a heartbeat old
   * that leaves part of the dead host's sessions planned here and waiting a whole tick.
   */
  readonly publishLoad?: () => Promise<void>;
  readonly logger: Logger;
  readonly takeoversPerSecond: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Monotonic time and sleeps; the system clock unless a simulation drives it. */
  readonly clock?: Clock;
}

/**
 * Watches peers' heartbeats and takes over the sessions of a dead one: its
 * heartbeat version unchanged for a full lease on *this* host's monotonic
 * clock (or it left, marked gone). Every live host computes the same balanced
 * plan and takes only its own part, at a bounded rate with jitter.
 */
/**
 * Scans again, a quarter heartbeat apart, while a dead peer's sessions are left after this
 * host's part: peers plan on loads up to a heartbeat old, so part may fall to this host
 * only once they published theirs. Bounded: one heartbeat's worth of scans per tick.
 */
export const FOLLOW_UP_SCANS = 4;

/** How often a host looks for owners no registry row names (their rows purged long ago). */
export const OWNER_SWEEP_INTERVAL_MS = 60_000;

export class FailoverWatcher {
  private readonly tracker: PeerTracker;
  private running = false;
  private lastOwnerSweep: number | undefined;
  /** The last scan left a dead peer's sessions untaken (planned to peers, or full). */
  private orphansLeft = false;

  constructor(private readonly deps: FailoverDeps) {
    this.tracker = new PeerTracker(deps.lease);
  }

  async tick(): Promise<number> {
    if (this.running || !this.deps.mayTake()) return 0;
    this.running = true;
    try {
      let taken = await this.scan();
      for (let round = 0; this.orphansLeft && round < FOLLOW_UP_SCANS && this.deps.mayTake(); round++) {
        await this.sleep(this.deps.lease.heartbeatMs / FOLLOW_UP_SCANS);
        taken += await this.scan();
      }
      return taken;
    } finally {
      this.running = false;
    }
  }

  private async scan(): Promise<number> {
    const me = this.deps.me();
    const now = (this.deps.clock ?? systemClock).now();
    const records = await this.deps.registry.all();
    for (const r of records)
      if (r.hostId !== me.hostId) this.tracker.observe(r.hostId, r.heartbeatVersion, now);
    const dead: { hostId: string; heartbeatVersion?: number }[] = records.filter(
      (r) => r.hostId !== me.hostId && this.tracker.isDead(r.hostId, now, r.gone === true),
    );
    await this.sweepOwners(records, now);
    // A record purged (TTL) or deleted after we saw it: its sessions still name it, so it is
    // dead once it has been still for a full lease like any other (no renewal can arrive).
    const present = new Set(records.map((r) => r.hostId));
    for (const hostId of this.tracker.known())
      if (!present.has(hostId) && this.tracker.isDead(hostId, now)) dead.push({ hostId });
    // Sessions started while no host was live wait on the unassigned owner.
    dead.push({ hostId: UNASSIGNED_HOST });
    const deadIds = new Set(dead.map((d) => d.hostId));
    const live: HostLoad[] = [
      me,
      ...records
        .filter((r) => r.hostId !== me.hostId && !deadIds.has(r.hostId) && !r.draining && !r.gone)
        .map((r) => ({ hostId: r.hostId, load: r.load, capacity: r.capacity })),
    ];
    let taken = 0;
    this.orphansLeft = false;
    try {
      for (const peer of dead) taken += await this.takeFrom(peer, live, me);
    } finally {
      if (taken > 0) await this.deps.publishLoad?.();
    }
    return taken;
  }

  /** Takes this host's part of one dead peer's sessions; forgets the peer once it has none. */
  private async takeFrom(
    peer: { hostId: string; heartbeatVersion?: number },
    live: readonly HostLoad[],
    me: HostLoad,
  ): Promise<number> {
    let taken = 0;
    const orphans = await this.deps.ownership.assignedTo(peer.hostId);
    if (orphans.length === 0) {
      if (peer.heartbeatVersion !== undefined) {
        await this.deps.registry.forget(peer.hostId, peer.heartbeatVersion);
        this.tracker.forget(peer.hostId);
      } else if (peer.hostId !== UNASSIGNED_HOST) this.tracker.forget(peer.hostId);
      return 0;
    }
    // The verdict may be a whole scan old: a peer that renewed before its sessions were read
    // may have claimed them at the epochs just read, so taking them would make two owners.
    if (peer.hostId !== UNASSIGNED_HOST && (await this.renewedSince(peer.hostId, peer.heartbeatVersion)))
      return 0;
    const plan = planTakeover(
      orphans.map((o) => o.sessionId),
      live,
    );
    const mine = orphans.filter((o) => plan.get(o.sessionId) === me.hostId);
    if (mine.length < orphans.length) this.orphansLeft = true;
    if (mine.length === 0) return 0;
    this.deps.logger.info(
      { deadHost: peer.hostId, orphans: orphans.length, mine: mine.length },
      'taking over sessions of a dead host',
    );
    for (const orphan of mine) {
      if (!this.deps.mayTake()) return taken;
      const won = await this.deps.ownership.takeover(orphan.sessionId, peer, orphan.epoch, me.hostId);
      if (won) {
        taken++;
        this.deps.onTakenOver(orphan.sessionId);
      }
      // Bounded rate with jitter: a reconnect storm helps nobody.
      const gap = (1000 / this.deps.takeoversPerSecond) * (0.5 + (this.deps.random ?? Math.random)());
      await this.sleep(gap);
    }
    return taken;
  }

  private sleep(ms: number): Promise<void> {
    return this.deps.sleep ? this.deps.sleep(ms) : (this.deps.clock ?? systemClock).sleep(ms);
  }

  /**
   * Owners that no row names (the whole fleet was down longer than a row's retention, or
   * a row was deleted before this host started) start being tracked here, so they are
   * judged dead after a still lease like any host whose row vanished.
   */
  private async sweepOwners(records: readonly { hostId: string }[], now: number): Promise<void> {
    if (this.lastOwnerSweep !== undefined && now - this.lastOwnerSweep < OWNER_SWEEP_INTERVAL_MS) return;
    this.lastOwnerSweep = now;
    const named = new Set([...records.map((r) => r.hostId), ...this.tracker.known(), UNASSIGNED_HOST]);
    for (const owner of await this.deps.ownership.owners())
      if (!named.has(owner) && owner !== this.deps.me().hostId) this.tracker.observe(owner, -1, now);
  }

  /** True when the peer's record changed since it was judged dead (it came back, or a new incarnation). */
  private async renewedSince(hostId: string, judgedVersion: number | undefined): Promise<boolean> {
    const fresh = (await this.deps.registry.all()).find((r) => r.hostId === hostId);
    // Judged without a row (vanished or never seen): any live row now means it came back.
    return fresh !== undefined && !fresh.gone && fresh.heartbeatVersion !== judgedVersion;
  }
}
