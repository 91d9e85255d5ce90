import { type LeaseConfig, mustSelfFence, PeerTracker, planTakeover } from '#commons/domain/lease.ts';
import { seeded } from './random.ts';
import { SimStore } from './store.ts';

/**
 * A seeded, deterministic world: hosts with their own drifting monotonic
 * clocks follow the lease rules against a simulated store over a network with
 * delays, partitions, pauses and crashes. The checks run on global time,
 * which no host can read.
 */
export interface SimOptions {
  readonly seed: number;
  readonly hosts: number;
  readonly sessions: number;
  readonly lease: LeaseConfig;
  readonly faultWindowMs: number;
  readonly maxDelayMs: number;
  readonly tickMs: number;
}

export interface SimResult {
  readonly violations: string[];
  /** Global ms from the last fault until every session was owned again (undefined: never). */
  readonly recoveryMs: number | undefined;
}

type Mode = 'running' | 'paused' | 'crashed';

interface Fault {
  readonly host: number;
  readonly kind: 'crash' | 'pause' | 'partition';
  readonly from: number;
  readonly until: number;
}

interface Snapshot {
  readonly hosts: Map<string, { version: number; load: number; capacity: number; gone: boolean }>;
  readonly sessions: Map<string, { owner: string; epoch: number }>;
}

class SimHost {
  mode: Mode = 'running';
  fenced = true;
  lastConfirmedSendAt: number | undefined;
  nextBeat = 0;
  readonly active = new Map<string, number>();
  /** Claims in flight, by the local time they were sent; a lost one times out like an SDK call. */
  readonly pending = new Map<string, number>();
  readonly tracker: PeerTracker;

  constructor(
    readonly id: string,
    private readonly rate: number,
    private readonly offset: number,
    lease: LeaseConfig,
  ) {
    this.tracker = new PeerTracker(lease);
  }

  clock(global: number): number {
    return this.offset + this.rate * global;
  }
}

export function simulate(options: SimOptions): SimResult {
  const random = seeded(options.seed);
  const store = new SimStore();
  const { lease } = options;
  const hosts = Array.from(
    { length: options.hosts },
    (_, i) => new SimHost(`h${i}`, 0.99 + random() * 0.02, random() * 100_000, lease),
  );
  const capacity = options.sessions;
  const sessionIds = Array.from({ length: options.sessions }, (_, i) => `s${String(i).padStart(3, '0')}`);
  sessionIds.forEach((id, i) => {
    store.sessions.set(id, { owner: hosts[i % hosts.length]?.id as string, epoch: 0 });
  });

  // Host 0 never fails, so there is always somewhere for sessions to go.
  const faults: Fault[] = [];
  for (let h = 1; h < options.hosts; h++) {
    const roll = random();
    const from = 2_000 + random() * (options.faultWindowMs - 2_000);
    const length = random() * lease.leaseMs * 2.5;
    if (roll < 0.3) faults.push({ host: h, kind: 'crash', from, until: Number.POSITIVE_INFINITY });
    else if (roll < 0.6) faults.push({ host: h, kind: 'pause', from, until: from + length });
    else if (roll < 0.9) faults.push({ host: h, kind: 'partition', from, until: from + length });
  }
  const lastFault = Math.max(0, ...faults.map((f) => (Number.isFinite(f.until) ? f.until : f.from)));
  const end = lastFault + lease.leaseMs + 8 * lease.heartbeatMs + 10 * options.maxDelayMs;

  // The network: deliveries ordered by global time.
  const queue: { at: number; seq: number; run: () => void }[] = [];
  let seq = 0;
  const at = (time: number, run: () => void): void => {
    // Binary insertion keeps the queue ordered by time, then by send order.
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((queue[mid]?.at ?? 0) <= time) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, { at: time, seq: seq++, run });
  };
  let now = 0;
  const partitioned = (h: SimHost): boolean =>
    faults.some((f) => f.kind === 'partition' && hosts[f.host] === h && now >= f.from && now < f.until);
  /** Request → store → response, each leg delayed; lost when the host is cut off or dead at either end. */
  const rpc = <T>(host: SimHost, request: () => T, response: (value: T) => void): void => {
    if (partitioned(host)) return;
    at(now + random() * options.maxDelayMs, () => {
      if (partitioned(host)) return;
      const value = request();
      at(now + random() * options.maxDelayMs, () => {
        if (partitioned(host) || host.mode !== 'running') return;
        response(value);
      });
    });
  };
  const snapshot = (): Snapshot => ({
    hosts: new Map([...store.hosts].map(([k, v]) => [k, { ...v }])),
    sessions: new Map([...store.sessions].map(([k, v]) => [k, { ...v }])),
  });

  const violations: string[] = [];
  let recoveredAt: number | undefined;

  const act = (host: SimHost): void => {
    const local = host.clock(now);
    // First thing on every wake-up, as in the real host: fence before acting.
    if (mustSelfFence(host.lastConfirmedSendAt, local, lease)) {
      host.fenced = true;
      host.active.clear();
    } else {
      host.fenced = false;
    }
    if (local >= host.nextBeat) {
      host.nextBeat = local + lease.heartbeatMs;
      const sentAt = local;
      const load = host.active.size;
      rpc(
        host,
        () => store.heartbeat(host.id, load, capacity),
        () => {
          host.lastConfirmedSendAt = Math.max(host.lastConfirmedSendAt ?? sentAt, sentAt);
        },
      );
      rpc(host, snapshot, (view) => onSnapshot(host, view));
    }
    for (const [sessionId, epoch] of host.active) {
      if (random() > 0.3) continue;
      rpc(
        host,
        () => store.commit(sessionId, host.id, epoch, now),
        (ok) => {
          if (!ok && host.active.get(sessionId) === epoch) host.active.delete(sessionId);
        },
      );
    }
  };

  const onSnapshot = (host: SimHost, view: Snapshot): void => {
    const local = host.clock(now);
    if (host.fenced) return;
    for (const [id, item] of view.hosts) if (id !== host.id) host.tracker.observe(id, item.version, local);
    const dead = new Set(
      [...view.hosts]
        .filter(([id, item]) => id !== host.id && host.tracker.isDead(id, local, item.gone))
        .map(([id]) => id),
    );
    const live = [...view.hosts]
      .filter(([id]) => !dead.has(id))
      .map(([hostId, item]) => ({
        hostId,
        load: hostId === host.id ? host.active.size : item.load,
        capacity: item.capacity,
      }));
    const orphans = [...view.sessions].filter(([, s]) => dead.has(s.owner)).map(([id]) => id);
    const plan = planTakeover(orphans, live);
    for (const [sessionId, item] of view.sessions) {
      const sentAt = host.pending.get(sessionId);
      if (sentAt !== undefined && local - sentAt < 2 * lease.heartbeatMs) continue;
      const mine = item.owner === host.id;
      if (host.active.has(sessionId) && (!mine || item.epoch !== host.active.get(sessionId))) {
        host.active.delete(sessionId);
        continue;
      }
      const takeover = plan.get(sessionId) === host.id;
      if ((!mine || host.active.has(sessionId)) && !takeover) continue;
      host.pending.set(sessionId, local);
      rpc(
        host,
        () =>
          takeover
            ? store.takeover(sessionId, item.owner, item.epoch, host.id)
            : store.claim(sessionId, host.id, item.epoch),
        (epoch) => {
          host.pending.delete(sessionId);
          if (epoch !== undefined && !host.fenced) host.active.set(sessionId, epoch);
        },
      );
    }
  };

  const check = (): void => {
    for (const sessionId of sessionIds) {
      const owners = hosts.filter((h) => h.mode === 'running' && !h.fenced && h.active.has(sessionId));
      if (owners.length > 1) {
        violations.push(`t=${now}: ${sessionId} active on ${owners.map((h) => h.id).join(' and ')}`);
      }
    }
  };

  let commitsChecked = 0;
  for (now = 0; now <= end; now += options.tickMs) {
    for (const f of faults) {
      const host = hosts[f.host] as SimHost;
      if (f.kind === 'crash' && now >= f.from && host.mode !== 'crashed') {
        host.mode = 'crashed';
        host.active.clear();
      }
      if (f.kind === 'pause' && host.mode !== 'crashed')
        host.mode = now >= f.from && now < f.until ? 'paused' : 'running';
    }
    while (queue.length > 0 && (queue[0]?.at ?? Number.POSITIVE_INFINITY) <= now) queue.shift()?.run();
    for (const host of hosts) if (host.mode === 'running') act(host);
    check();
    for (; commitsChecked < store.commits.length; commitsChecked++) {
      const c = store.commits[commitsChecked];
      if (c && c.epoch !== store.granted.get(c.sessionId)) {
        violations.push(
          `t=${c.at}: commit of ${c.sessionId} from epoch ${c.epoch} accepted after ${store.granted.get(c.sessionId)}`,
        );
      }
    }
    const allOwned = sessionIds.every((id) =>
      hosts.some(
        (h) => h.mode === 'running' && !h.fenced && h.active.get(id) === store.sessions.get(id)?.epoch,
      ),
    );
    if (now >= lastFault && allOwned && recoveredAt === undefined) recoveredAt = now;
    if (!allOwned) recoveredAt = undefined;
  }
  return {
    violations,
    recoveryMs: recoveredAt === undefined ? undefined : Math.max(0, recoveredAt - lastFault),
  };
}
