import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { leaseConfig } from '#commons/domain/lease.ts';
import { FailoverWatcher } from '../../session-host/src/fleet/failover-watcher.ts';
import { manualClock, orphanRecord, registration } from './failover-fixtures.ts';
import { InMemorySessionOwnership, SessionTable } from './simulation/memory-ownership.ts';
import { HostTable, InMemoryHostRegistry } from './simulation/memory-registry.ts';

const lease = leaseConfig(500, 2_000);

describe('the failover watcher when a dead host’s record vanished (TTL purge, operator delete)', () => {
  it('still takes the sessions that name it, once it has been still for a full lease', async () => {
    const clock = manualClock();
    const hosts = new HostTable();
    const sessions = new SessionTable({
      now: () => clock.now(),
      hostVersion: (id) => hosts.get(id)?.heartbeatVersion,
    });
    for (const sessionId of ['s1', 's2']) sessions.put(orphanRecord(sessionId, 3));
    const deadRegistry = new InMemoryHostRegistry(hosts, lease.leaseMs, () => clock.wallNow());
    await deadRegistry.register(registration('dead', 10), 2);
    const taken: string[] = [];
    const watcher = new FailoverWatcher({
      registry: new InMemoryHostRegistry(hosts, lease.leaseMs, () => clock.wallNow()),
      ownership: new InMemorySessionOwnership(sessions),
      lease,
      me: () => ({ hostId: 'live', load: 0, capacity: 10 }),
      mayTake: () => true,
      onTakenOver: (id) => taken.push(id),
      logger: pino({ level: 'silent' }),
      takeoversPerSecond: 1_000,
      clock,
    });
    await watcher.tick();
    hosts.delete('dead');
    clock.advance(lease.leaseMs / 2);
    expect(await watcher.tick()).toBe(0);
    clock.advance(lease.leaseMs);
    expect(await watcher.tick()).toBe(2);
    expect(taken.sort()).toEqual(['s1', 's2']);
    expect(sessions.get('s1')).toMatchObject({ ownerHostId: 'live', epoch: 4 });
  });
});
