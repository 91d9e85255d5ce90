/**
 * `npm run bench -- failover [--sessions N] [--hosts H]`: real host processes,
 * real Baileys, the fake WhatsApp server. N linked sessions spread round-robin
 * over H hosts (as the API's least-loaded placement leaves an even fleet).
 * First one host is killed with SIGKILL (failover): per session, the time from
 * the kill until its record names a survivor (claimed) and until it is
 * CONNECTED there, against the lease, how many each survivor took, and the
 * figure the bound predicts (lease + heartbeat + sessions ÷ takeover rate across
 * survivors). Then the survivor holding most gets SIGTERM (graceful handoff:
 * the baseline). Double ownership (two logged-in sockets for one device at the
 * fake, or an epoch that grew past takeover + claim) must be 0. JSON on the
 * last line.
 */
import { ENV } from '#commons/config/env-names.ts';
import { FleetHarness, type FleetHost } from '../fleet/fleet-harness.ts';
import { benchArgs, withEmbeddedAws } from './bench-support.ts';
import { doubleOwnershipSampler, measurePhase } from './failover-phase.ts';

const log = (msg: string): void => console.error(`[failover] ${msg}`);

// The harness's 2.5 s lease flaps on a loaded 2-core machine while hundreds of sessions link
// (DynamoDB Local stalls past the 2 s self-fence); production defaults are 20 s / 5 s.
const args = benchArgs('failover', { sessions: 100, hosts: 2, 'lease-ms': 10_000, 'heartbeat-ms': 2_000 });
const TIMING = { leaseMs: args['lease-ms'], heartbeatMs: args['heartbeat-ms'] };
/** The session host's default claim rate per host (SessionHostDeps.takeoversPerSecond). */
const TAKEOVERS_PER_SECOND = 20;
const PHASE_TIMEOUT_MS = 180_000;

await withFleet(async (h) => {
  const sessions = args.sessions;
  const hostCount = Math.max(2, Math.floor(args.hosts));
  // Room for a survivor to take a dead host's whole share.
  const env = {
    [ENV.hostCapacity]: String(Math.max(100, sessions)),
    [ENV.leaseMs]: String(TIMING.leaseMs),
    [ENV.heartbeatIntervalMs]: String(TIMING.heartbeatMs),
  };
  const hosts: FleetHost[] = [];
  for (let i = 0; i < hostCount; i++) hosts.push(await h.startHost(`bench-${i}`, env));
  log(`linking ${sessions} sessions over ${hostCount} hosts`);
  const ids: string[] = [];
  let linked = 0;
  // Each session is created just before it is linked, so its first QR is still fresh when scanned.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (ids.length < sessions) {
        const host = hosts[ids.length % hostCount] as FleetHost;
        const id = await h.createSession(host.hostId);
        if (ids.length >= sessions) break;
        ids.push(id);
        await h.link(id).catch((err: unknown) => {
          for (const x of hosts)
            for (const line of x.logs)
              if (JSON.stringify(line).includes(id) || (Number(line.level) >= 40 && line.name !== 'baileys'))
                console.error(x.hostId, JSON.stringify(line).slice(0, 400));
          throw err;
        });
        if (++linked % 25 === 0) log(`linked ${linked}/${sessions}`);
      }
    }),
  );
  const sampler = doubleOwnershipSampler(h);
  const victim = hosts[0] as FleetHost;
  log(`SIGKILL ${victim.hostId}: failover`);
  const loadsBefore = Object.fromEntries(
    await Promise.all(hosts.map(async (x) => [x.hostId, (await h.ownership.assignedTo(x.hostId)).length])),
  );
  log(`sessions per host before the kill: ${JSON.stringify(loadsBefore)}`);
  const killedAt = Date.now();
  const failover = await measurePhase(
    h,
    victim,
    () => victim.process.child.kill('SIGKILL'),
    PHASE_TIMEOUT_MS,
  );
  log(`failover: ${JSON.stringify(failover)}`);
  for (const x of hosts.slice(1))
    for (const line of x.logs)
      if (line.msg === 'taking over sessions of a dead host')
        log(
          `${x.hostId} +${Number(line.time) - killedAt} ms: ${line.mine}/${line.orphans} orphans planned here`,
        );
  const survivors = hosts.slice(1);
  if (survivors.length === 1) survivors.push(await h.startHost(`bench-${hostCount}`, env));
  const busiest = await busiestOf(h, survivors);
  log(`SIGTERM ${busiest.hostId}: graceful handoff`);
  const handoff = await measurePhase(h, busiest, () => void busiest.process.stop(60_000), PHASE_TIMEOUT_MS);
  const doubleOwnership = sampler.stop();
  const takers = hostCount - 1;
  const detectionMs = TIMING.leaseMs + TIMING.heartbeatMs;
  console.log(
    JSON.stringify({
      sessions: ids.length,
      hosts: hostCount,
      killedHostSessions: failover.sessions,
      connectedAfterFailover: failover.connected,
      p50Ms: failover.connectedMs.p50,
      p99Ms: failover.connectedMs.p99,
      maxMs: failover.connectedMs.max,
      claimedMs: failover.claimed,
      spread: failover.spread,
      loadsBefore,
      ownerChangedTwice: failover.ownerChangedTwice,
      extraEpochs: failover.extraEpochs + handoff.extraEpochs,
      doubleOwnership,
      leaseMs: TIMING.leaseMs,
      heartbeatMs: TIMING.heartbeatMs,
      takeoversPerSecondPerHost: TAKEOVERS_PER_SECOND,
      // Detection takes a still lease seen at a heartbeat tick; then each survivor claims its share at its rate.
      // Claims per second across survivors once the first one started claiming.
      claimRatePerSecond: rate(failover.sessions, failover.claimed.max - failover.claimed.first),
      boundMs: Math.round(detectionMs + (failover.sessions / (takers * TAKEOVERS_PER_SECOND)) * 1000),
      baseline: {
        name: 'graceful handoff (SIGTERM)',
        sessions: handoff.sessions,
        connected: handoff.connected,
        p50Ms: handoff.connectedMs.p50,
        p99Ms: handoff.connectedMs.p99,
        maxMs: handoff.connectedMs.max,
        spread: handoff.spread,
      },
    }),
  );
});

function rate(count: number, spanMs: number): number {
  return spanMs > 0 ? Math.round((count / spanMs) * 10_000) / 10 : Number.NaN;
}

async function busiestOf(h: FleetHarness, hosts: readonly FleetHost[]): Promise<FleetHost> {
  const counts = await Promise.all(hosts.map(async (x) => (await h.ownership.assignedTo(x.hostId)).length));
  return hosts[counts.indexOf(Math.max(...counts))] as FleetHost;
}

async function withFleet(body: (h: FleetHarness) => Promise<void>): Promise<void> {
  await withEmbeddedAws(async () => {
    const h = await FleetHarness.create();
    try {
      await body(h);
    } finally {
      await h.dispose();
    }
  });
}
