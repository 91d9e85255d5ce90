/**
 * `npm run bench -- failover [--sessions N]`: real host processes, real
 * Baileys, the fake WhatsApp server. N linked sessions on one host; first that
 * host gets SIGTERM (graceful handoff: the baseline), then the host that took
 * them is killed with SIGKILL (failover). For each phase: time from the signal
 * until each session is CONNECTED on another host, and how often the fake saw
 * two logged-in sockets for one device (double ownership, must be 0). JSON on
 * the last line.
 */
import { performance } from 'node:perf_hooks';
import { FLEET_TIMING, FleetHarness, type FleetHost } from '../fleet/fleet-harness.ts';
import { benchArgs, percentile, withEmbeddedAws } from './bench-support.ts';

const log = (msg: string): void => console.error(`[failover] ${msg}`);

const args = benchArgs('failover', { sessions: 100 });

await withEmbeddedAws(async () => {
  const sessions = args.sessions;
  const h = await FleetHarness.create();
  try {
    const first = await h.startHost('bench-a');
    await h.startHost('bench-b');
    log(`linking ${sessions} sessions`);
    const ids: string[] = [];
    // Each session is created just before it is linked, so its first QR is still fresh when scanned.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (ids.length < sessions) {
          const id = await h.createSession('bench-a');
          if (ids.length >= sessions) break;
          ids.push(id);
          await h.link(id);
          if (ids.length % 25 === 0) log(`linked ${ids.length}/${sessions}`);
        }
      }),
    );

    let doubles = 0;
    const sampler = setInterval(() => {
      const jids = h.fake.connections().flatMap((c) => (c.jid ? [c.jid] : []));
      doubles += jids.length - new Set(jids).size;
    }, 100);

    const measure = async (away: FleetHost, act: () => void): Promise<number[]> => {
      const start = performance.now();
      const done = new Map<string, number>();
      act();
      const deadline = Date.now() + 120_000;
      while (done.size < ids.length && Date.now() < deadline) {
        const records = await Promise.all(ids.filter((id) => !done.has(id)).map((id) => h.record(id)));
        for (const r of records) {
          if (r && r.ownerHostId !== away.hostId && r.status === 'CONNECTED')
            done.set(r.sessionId, performance.now() - start);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return [...done.values()];
    };

    log('SIGTERM: graceful handoff');
    const handoff = await measure(first, () => void first.process.stop(60_000));
    const owner = h.hosts.get('bench-b') as FleetHost;
    await h.startHost('bench-c');
    log('SIGKILL: failover');
    const failover = await measure(owner, () => owner.process.child.kill('SIGKILL'));
    clearInterval(sampler);
    console.log(
      JSON.stringify({
        sessions: ids.length,
        connectedAfterFailover: failover.length,
        p50Ms: percentile(failover, 50),
        p99Ms: percentile(failover, 99),
        doubleOwnership: doubles,
        leaseMs: FLEET_TIMING.leaseMs,
        baseline: {
          name: 'graceful handoff (SIGTERM)',
          connected: handoff.length,
          p50Ms: percentile(handoff, 50),
          p99Ms: percentile(handoff, 99),
        },
      }),
    );
  } finally {
    await h.dispose();
  }
});
