import type { LeaseConfig } from '#commons/domain/lease.ts';
import type { OwnedSession } from '#commons/domain/session-ownership.ts';
import type { LeaseKeeper, LeaseKeeperDeps } from '../../../session-host/src/fleet/lease-keeper.ts';
import { active, type Fault, lastFaultAt, planFaults } from './faults.ts';
import { type FencedWrite, InMemorySessionOwnership, SessionTable } from './memory-ownership.ts';
import { HostTable, InMemoryHostRegistry } from './memory-registry.ts';
import { type LinkState, Network } from './network.ts';
import { seeded } from './random.ts';
import { SimHost } from './sim-host.ts';
import { type Gate, HostClock, Scheduler, WALL_EPOCH } from './virtual-clock.ts';

/**
 * A seeded, deterministic fleet: SimHosts (the real LeaseKeeper,
 * FailoverWatcher and handOff) on drifting virtual clocks, over a network
 * with delays, against in-memory tables with the DynamoDB adapters'
 * conditional writes, through crashes, pauses, cut and slow links and
 * graceful shutdowns. The checks run on virtual time, which no host reads.
 */
export interface SimOptions {
  readonly seed: number;
  readonly hosts: number;
  readonly sessions: number;
  readonly lease: LeaseConfig;
  readonly faultWindowMs: number;
  readonly maxDelayMs: number;
  readonly reconcileIntervalMs: number;
  /** Purge host rows as soon as their lease ends (a store, or an operator, faster than the TTL we set). */
  readonly purgeRowsAtLeaseEnd?: boolean;
  /** Broken controls, only ever set by the control tests. */
  readonly broken?: {
    readonly skipEpochOn?: FencedWrite;
    readonly skipHostCheck?: boolean;
    readonly leaseKeeper?: (deps: LeaseKeeperDeps) => LeaseKeeper;
  };
}

export interface SimResult {
  readonly violations: string[];
  /** Virtual ms from the last fault until every session was owned again (undefined: never). */
  readonly recoveryMs: number | undefined;
  /** What happened, for replaying a seed: faults and the count of accepted writes. */
  readonly faults: readonly Fault[];
  readonly acceptedWrites: number;
}

export async function simulate(options: SimOptions): Promise<SimResult> {
  const random = seeded(options.seed);
  const { lease } = options;
  const faults = planFaults(random, options.hosts, lease, options.faultWindowMs);
  const lastFault = lastFaultAt(faults);
  const end = lastFault + lease.leaseMs + 8 * lease.heartbeatMs;

  /** Timers and answers belong to one incarnation (`h1#2`): those of a dead one never run. */
  const dead = new Set<string>();
  const hostOf = (owner: string): number => Number(owner.slice(1, owner.indexOf('#')));
  const gate = (owner: string): Gate => {
    const onWire = owner.endsWith('>');
    const incarnation = onWire ? owner.slice(0, -1) : owner;
    if (dead.has(incarnation) && !onWire) return { run: false };
    const pause = active(faults, hostOf(owner), 'pause', scheduler.now);
    return pause && 'until' in pause ? { run: false, until: pause.until } : { run: true };
  };
  const scheduler = new Scheduler(gate);
  const link = (owner: string): LinkState => {
    const h = hostOf(owner);
    if (active(faults, h, 'cut', scheduler.now)) return { kind: 'down' };
    const slow = active(faults, h, 'slow', scheduler.now);
    return slow?.kind === 'slow' ? { kind: 'slow', extraMs: slow.extraMs } : { kind: 'up' };
  };
  const network = new Network(scheduler, random, { maxDelayMs: options.maxDelayMs, timeoutMs: 2_000 }, link);

  const hostTable = new HostTable();
  const sessions = new SessionTable({
    now: () => scheduler.now,
    hostVersion: (hostId) => hostTable.get(hostId)?.heartbeatVersion,
    ...(options.broken?.skipEpochOn && { skipEpochOn: options.broken.skipEpochOn }),
    ...(options.broken?.skipHostCheck && { skipHostCheck: true }),
  });
  const sessionIds = Array.from({ length: options.sessions }, (_, i) => `s${String(i).padStart(3, '0')}`);
  for (const [i, sessionId] of sessionIds.entries()) {
    sessions.put(sessionRecord(sessionId, `h${i % options.hosts}`));
  }

  /** The current incarnation of each host. */
  const hosts: SimHost[] = [];
  const clocks = new Map<string, HostClock>();
  const boot = (h: number, generation: number, at: number): void => {
    const hostId = `h${h}`;
    const incarnation = `${hostId}#${generation}`;
    const clock = new HostClock(
      scheduler,
      incarnation,
      0.99 + random() * 0.02,
      random() * 100_000,
      (random() - 0.5) * 100,
    );
    clocks.set(hostId, clock);
    const transport = <T>(op: () => T): Promise<T> => network.call(incarnation, op);
    const host = new SimHost({
      host: { hostId, incarnation, endpoint: `sim://${hostId}`, capacity: options.sessions },
      ownership: new InMemorySessionOwnership(sessions, transport),
      registry: new InMemoryHostRegistry(hostTable, lease.leaseMs, () => clock.wallNow(), transport),
      clock,
      lease,
      reconcileIntervalMs: options.reconcileIntervalMs,
      writeIntervalMs: 200,
      random,
      takeoversPerSecond: 20,
      handoffBudgetMs: 10_000,
      nudge: async (endpoint, sessionId) => {
        const target = hosts.find((t) => `sim://${t.hostId}` === endpoint);
        if (target) {
          const to = target.incarnation;
          network.deliver(incarnation, to, () => void target.reconcileSession(sessionId));
        }
      },
      ...(options.broken?.leaseKeeper && { leaseKeeper: options.broken.leaseKeeper }),
    });
    hosts[h] = host;
    scheduler.at(at, () => void host.start().catch(() => undefined), incarnation);
  };
  for (let h = 0; h < options.hosts; h++) boot(h, 1, random() * 200);
  // DynamoDB purges expired rows at a moment of its choosing (often within seconds on DynamoDB Local).
  for (let at = 500; at < end; at += 250 + random() * 1_000) {
    const sweepAt = at;
    // Early purges happen when a lease really ended, on the writer's own (skewed) wall clock.
    const now = (hostId: string): number =>
      Math.floor(
        (options.purgeRowsAtLeaseEnd ? (clocks.get(hostId)?.wallNow() ?? 0) : WALL_EPOCH + sweepAt) / 1000,
      );
    const attribute = options.purgeRowsAtLeaseEnd ? 'expiresAt' : undefined;
    scheduler.at(sweepAt, () => hostTable.sweep(now, attribute));
  }

  for (const f of faults) {
    if (f.kind === 'crash') {
      scheduler.at(f.from, () => dead.add((hosts[f.host] as SimHost).incarnation));
      if (f.restartAt !== undefined) {
        const restartAt = f.restartAt;
        scheduler.at(restartAt, () => boot(f.host, 2, restartAt));
      }
    }
    if (f.kind === 'shutdown') {
      const host = hosts[f.host] as SimHost;
      scheduler.at(
        f.from,
        () =>
          void host
            .shutdown()
            .catch(() => undefined)
            .finally(() => dead.add(host.incarnation)),
        host.incarnation,
      );
    }
  }

  const violations: string[] = [];
  const report = (line: string): void => {
    if (violations.length < 20) violations.push(line);
  };
  let checkedWrites = 0;
  let ownedSince: number | undefined;
  const alive = (host: SimHost): boolean => !dead.has(host.incarnation);
  const check = (): void => {
    const now = scheduler.now;
    for (const sessionId of sessionIds) {
      const owners = hosts.filter((host) => alive(host) && host.owns(sessionId));
      if (owners.length > 1) {
        report(
          `t=${Math.round(now)}: ${sessionId} owned by ${owners.map((o) => o.incarnation).join(' and ')}`,
        );
      }
    }
    for (; checkedWrites < sessions.accepted.length; checkedWrites++) {
      const w = sessions.accepted[checkedWrites];
      if (w && w.epoch < w.granted) {
        report(
          `t=${Math.round(w.at)}: ${w.kind} of ${w.sessionId} at epoch ${w.epoch} accepted after epoch ${w.granted}`,
        );
      }
    }
    const allOwned = sessionIds.every((id) => {
      const epoch = sessions.epochOf(id);
      return hosts.some((host) => alive(host) && host.owns(id) && host.local.get(id) === epoch);
    });
    if (!allOwned) ownedSince = undefined;
    else if (ownedSince === undefined) ownedSince = now;
  };

  await scheduler.run(end, check);
  const recovered = ownedSince === undefined ? undefined : Math.max(0, ownedSince - lastFault);
  return { violations, recoveryMs: recovered, faults, acceptedWrites: sessions.accepted.length };
}

function sessionRecord(sessionId: string, ownerHostId: string): OwnedSession {
  const at = new Date(0).toISOString();
  return {
    sessionId,
    tenantId: 'sim',
    createdAt: at,
    updatedAt: at,
    createdKey: at,
    desired: 'RUNNING',
    status: 'STARTING',
    ownerHostId,
    epoch: 0,
  };
}
