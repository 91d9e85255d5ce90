import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { leaseConfig } from '#commons/domain/lease.ts';
import { FailoverWatcher } from '../../session-host/src/fleet/failover-watcher.ts';
import { manualClock, orphanRecord, registration } from './failover-fixtures.ts';
import { InMemorySessionOwnership, SessionTable } from './simulation/memory-ownership.ts';
import { HostTable, InMemoryHostRegistry } from './simulation/memory-registry.ts';

const lease = leaseConfig(500, 2_000);

describe('the failover watchers of several survivors that see a host die one after another', () => {
  it('split its sessions evenly in one pass each: a later host plans with the load an earlier one took', async () => {
    const clock = manualClock();
    const hosts = new HostTable();
    const sessions = new SessionTable({
      now: () => clock.now(),
      hostVersion: (id) => hosts.get(id)?.heartbeatVersion,
    });
    const ownership = new InMemorySessionOwnership(sessions);
    const orphans = Array.from({ length: 100 }, (_, i) => `ses_${String(i).padStart(3, '0')}`);
    for (const sessionId of orphans) sessions.put(orphanRecord(sessionId, 3));
    const registry = () => new InMemoryHostRegistry(hosts, lease.leaseMs, () => clock.wallNow());
    await registry().register(registration('dead'), 100);
    // Four survivors, each already running 100 sessions; their heartbeats carry their load.
    const survivors = ['a', 'b', 'c', 'd'].map((hostId) => {
      const own = registry();
      const taken: string[] = [];
      const load = () => 100 + taken.length;
      const watcher = new FailoverWatcher({
        registry: own,
        ownership,
        lease,
        me: () => ({ hostId, load: load(), capacity: 500 }),
        mayTake: () => true,
        onTakenOver: (id) => taken.push(id),
        publishLoad: async () => void (await own.heartbeat(registration(hostId), load(), false)),
        logger: pino({ level: 'silent' }),
        takeoversPerSecond: 1_000,
        clock,
      });
      return { hostId, own, taken, watcher, beat: () => own.heartbeat(registration(hostId), load(), false) };
    });
    for (const s of survivors) await s.own.register(registration(s.hostId), 100);
    for (const s of survivors) await s.watcher.tick();

    clock.advance(lease.leaseMs);
    for (const s of survivors) await s.beat();
    // Each survivor notices the death at its own tick, one after another.
    for (const s of survivors) await s.watcher.tick();

    expect((await ownership.assignedTo('dead')).map((o) => o.sessionId)).toEqual([]);
    expect(survivors.map((s) => s.taken.length)).toEqual([25, 25, 25, 25]);
    // One owner each: every orphan went to exactly one survivor.
    expect(new Set(survivors.flatMap((s) => s.taken)).size).toBe(100);
  });

  it('looks again within the same tick while orphans are left, so a share a peer left it is not a heartbeat late', async () => {
    const clock = manualClock();
    const hosts = new HostTable();
    const sessions = new SessionTable({
      now: () => clock.now(),
      hostVersion: (id) => hosts.get(id)?.heartbeatVersion,
    });
    const ownership = new InMemorySessionOwnership(sessions);
    for (let i = 0; i < 10; i++) sessions.put(orphanRecord(`ses_${i}`, 1));
    const registry = () => new InMemoryHostRegistry(hosts, lease.leaseMs, () => clock.wallNow());
    await registry().register(registration('dead'), 10);
    // The peer's record says it is empty, so the first plan gives it every orphan.
    const peer = registry();
    await peer.register(registration('peer'), 0);
    const taken: string[] = [];
    let pauses = 0;
    const watcher = new FailoverWatcher({
      registry: registry(),
      ownership,
      lease,
      me: () => ({ hostId: 'me', load: 10 + taken.length, capacity: 500 }),
      mayTake: () => true,
      onTakenOver: (id) => taken.push(id),
      logger: pino({ level: 'silent' }),
      takeoversPerSecond: 1_000,
      // While this host waits, the peer publishes that it filled up meanwhile.
      sleep: async () => {
        if (pauses++ === 0) await peer.heartbeat(registration('peer'), 30, false);
      },
      clock,
    });
    await watcher.tick();
    clock.advance(lease.leaseMs);
    await peer.heartbeat(registration('peer'), 0, false);

    await watcher.tick();

    expect(taken.length).toBe(10);
    expect(await ownership.assignedTo('dead')).toEqual([]);
  });
});
