/**
 * Lease rules of the fleet, as pure functions over times each host reads from
 * its *own* monotonic clock. Safety never rests on these clocks (every write
 * is conditioned on owner + epoch); they decide when a host gives up its
 * sessions and when peers take them over, so that the two happen in that order.
 */
export interface LeaseConfig {
  /** A host renews its record this often. */
  readonly heartbeatMs: number;
  /** Peers declare a host dead after seeing no heartbeat change for this long. */
  readonly leaseMs: number;
  /** A host fences itself when its last successful renewal was *sent* this long ago; < leaseMs. */
  readonly selfFenceMs: number;
}

export function leaseConfig(heartbeatMs: number, leaseMs: number): LeaseConfig {
  if (leaseMs < 3 * heartbeatMs) throw new RangeError('the lease must cover at least three heartbeats');
  // Fence a full heartbeat before any peer can have declared us dead.
  return { heartbeatMs, leaseMs, selfFenceMs: leaseMs - heartbeatMs };
}

/** True when this host must stop acting as owner: its renewals have not been confirmed for too long. */
export function mustSelfFence(
  lastConfirmedSendAt: number | undefined,
  now: number,
  config: LeaseConfig,
): boolean {
  return lastConfirmedSendAt === undefined || now - lastConfirmedSendAt >= config.selfFenceMs;
}

interface Observation {
  version: number;
  /** When this observer first saw `version` (its own clock). */
  since: number;
}

/**
 * What one host knows of its peers' heartbeats. A peer is dead once its
 * version has not changed for a full lease on the observer's clock; a peer
 * that deregistered (gone) is dead at once.
 */
export class PeerTracker {
  private readonly seen = new Map<string, Observation>();

  constructor(private readonly config: LeaseConfig) {}

  observe(hostId: string, version: number, now: number): void {
    const previous = this.seen.get(hostId);
    if (!previous || previous.version !== version) this.seen.set(hostId, { version, since: now });
  }

  forget(hostId: string): void {
    this.seen.delete(hostId);
  }

  /** Every host observed and not forgotten, including ones whose record has since vanished. */
  known(): string[] {
    return [...this.seen.keys()];
  }

  isDead(hostId: string, now: number, gone = false): boolean {
    if (gone) return true;
    const observation = this.seen.get(hostId);
    return observation !== undefined && now - observation.since >= this.config.leaseMs;
  }
}

export interface HostLoad {
  readonly hostId: string;
  readonly load: number;
  readonly capacity: number;
}

function score(sessionId: string, hostId: string): number {
  // FNV-1a: a stable tie-break every host computes the same way.
  let h = 0x811c9dc5;
  for (const c of `${sessionId}|${hostId}`) {
    h ^= c.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Which live host takes each orphaned session: the least loaded (relative to
 * capacity) after the assignments so far, ties broken by a stable hash. Every
 * host computes the same plan from the same view, so they rarely contend, and
 * the result stays within one session of even when there is room.
 */
export function planTakeover(sessionIds: readonly string[], live: readonly HostLoad[]): Map<string, string> {
  const load = new Map(live.map((h) => [h.hostId, h.load]));
  const plan = new Map<string, string>();
  for (const sessionId of [...sessionIds].sort()) {
    let best: HostLoad | undefined;
    let bestRatio = Number.POSITIVE_INFINITY;
    for (const host of live) {
      const current = load.get(host.hostId) ?? 0;
      if (current >= host.capacity) continue;
      const ratio = current / host.capacity;
      if (
        ratio < bestRatio ||
        (ratio === bestRatio && best && score(sessionId, host.hostId) > score(sessionId, best.hostId))
      ) {
        best = host;
        bestRatio = ratio;
      }
    }
    if (!best) continue;
    plan.set(sessionId, best.hostId);
    load.set(best.hostId, (load.get(best.hostId) ?? 0) + 1);
  }
  return plan;
}

/** True while a host may act as owner: its last confirmed renewal was sent less than `selfFenceMs` ago. */
export function leaseHeld(
  lastConfirmedSendAt: number | undefined,
  now: number,
  config: LeaseConfig,
): boolean {
  return !mustSelfFence(lastConfirmedSendAt, now, config);
}

/**
 * What a lease check reports against the previous check: `lost` fences every
 * session at once; `gained` only once a renewal was ever confirmed.
 */
export function leaseChange(
  wasHeld: boolean,
  held: boolean,
  everConfirmed: boolean,
): 'lost' | 'gained' | 'unchanged' {
  if (wasHeld && !held) return 'lost';
  if (!wasHeld && held && everConfirmed) return 'gained';
  return 'unchanged';
}
