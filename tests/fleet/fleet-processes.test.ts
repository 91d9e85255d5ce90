import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForDrain } from '../support/wait-for.ts';
import { FLEET_TIMING, FleetHarness } from './fleet-harness.ts';

/**
 * One fleet story in order (each step starts from where the last one left
 * the sessions): 20 linked sessions are handed off on SIGTERM, survive a
 * kill -9 of their next host, and a paused host that wakes up fences itself.
 */
const SESSIONS = Number(process.env.ZAPFLEET_FLEET_SESSIONS ?? 20);
let h: FleetHarness;
const devices = new Map<string, { pn: string; jid: string }>();
let contact: { pn: string };

beforeAll(async () => {
  h = await FleetHarness.create();
  contact = h.fake.createUser({ name: 'Erin' });
  await h.startHost('host-a');
  await h.startHost('host-b');
  const ids = await Promise.all(Array.from({ length: SESSIONS }, () => h.createSession('host-a')));
  for (const id of ids) devices.set(id, await h.link(id));
}, 180_000);
afterAll(() => h.dispose(), 60_000);

/** Every session CONNECTED on a host other than `away`. */
async function allConnectedAwayFrom(away: string, timeoutMs: number): Promise<void> {
  let last: unknown[] = [];
  await h
    .until(
      `every session CONNECTED away from ${away}`,
      async () => {
        const records = await Promise.all([...devices.keys()].map((id) => h.record(id)));
        last = records.map(
          (r) => `${r?.ownerHostId}/${r?.epoch}/${r?.status}/${r?.statusReason?.code ?? ''}`,
        );
        return records.every((r) => r?.ownerHostId !== away && r?.status === 'CONNECTED') ? true : undefined;
      },
      timeoutMs,
    )
    .catch((err: Error) => {
      throw new Error(`${err.message}; sessions: ${last.join(', ')}; hosts: ${hostDiagnosis()}`);
    });
}

/** What each host said about leases, takeovers and failures: enough to tell a slow fleet from a stuck one. */
function hostDiagnosis(): string {
  const telling = /lease|taking over|fenc|fail|ready/;
  return [...h.hosts.values()]
    .map((host) => {
      const lines = host.logs
        .filter((l) => (l.level as number) >= 40 || telling.test(String(l.msg ?? l.raw ?? '')))
        .slice(-8)
        .map(
          (l) =>
            `${String(l.msg ?? l.raw).slice(0, 80)}${l.err ? `(${JSON.stringify(l.err).slice(0, 100)})` : ''}`,
        );
      return `${host.hostId}[exit=${host.process.child.exitCode ?? '-'}]: ${lines.join(' | ')}`;
    })
    .join(' ;; ');
}

/** The host owning every session now (each step leaves them all on one host). */
async function owner() {
  const record = await h.record([...devices.keys()][0] as string);
  const host = h.hosts.get(record?.ownerHostId as string);
  if (!host) throw new Error('no running owner');
  return host;
}

async function messageEvents(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const id of devices.keys()) {
    for (const e of await h.eventsOf(id)) {
      if (e.type !== 'session:message') continue;
      const waId = e.data.id as string;
      counts.set(waId, (counts.get(waId) ?? 0) + 1);
    }
  }
  return counts;
}

describe('a fleet of real session-host processes', () => {
  it('hands every session to a live peer on SIGTERM while contacts keep sending, each message one event', async () => {
    const sent: string[] = [];
    const delivered = new Map<string, string[]>();
    h.fake.events.on('message-delivered', (_jid: string, id: string, type: string, offline: boolean) => {
      delivered.set(id, [...(delivered.get(id) ?? []), `${type}${offline ? '/off' : ''}`]);
    });
    let sending = true;
    const sender = (async () => {
      for (let round = 0; sending && round < 40; round++) {
        for (const device of devices.values())
          sent.push(await h.fake.sendText(contact.pn, device.pn, `m${round}`));
        // Pacing the traffic, not waiting for anything.
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await h.until('traffic reaching every device before the SIGTERM', async () =>
      delivered.size >= devices.size ? true : undefined,
    );
    const stopped = await owner();
    await stopped.process.stop(30_000);
    await allConnectedAwayFrom(stopped.hostId, 30_000);
    sending = false;
    await sender;
    let latest = new Map<string, number>();
    // The new owner works through the backlog the handoff left (hundreds of offline messages):
    // a loaded machine takes longer, so this fails on a stall, not on a deadline.
    await waitForDrain(async () => {
      latest = await messageEvents();
      return sent.filter((id) => !latest.has(id)).length;
    }, 'every sent message as an event').catch((err: Error) => {
      const missing = sent.filter((id) => !latest.has(id));
      const queued = h.fake.linkedDevices().map((d) => d.queued);
      if (process.env.ZAPFLEET_FLEET_DUMP) {
        writeFileSync(
          process.env.ZAPFLEET_FLEET_DUMP,
          JSON.stringify({
            missing,
            hosts: [...h.hosts.values()].map((x) => ({ id: x.hostId, logs: x.logs })),
          }),
        );
      }
      const detail = missing.slice(0, 6).map(
        (id) =>
          `${id}:${(delivered.get(id) ?? []).join('+')}:r${h.fake.receipts
            .filter((r) => r.id === id)
            .map((r) => r.type ?? 'd')
            .join('')}`,
      );
      const warnings = [...h.hosts.values()].flatMap((host) =>
        host.logs
          .filter((l) => (l.level as number) >= 40)
          .map((l) => `${host.hostId}:${l.msg}:${JSON.stringify(l.err ?? '').slice(0, 120)}`),
      );
      throw new Error(
        `${err.message}: ${missing.length}/${sent.length} missing; queued ${queued.join(',')}; ${detail.join(' ')}; logs: ${warnings.slice(0, 12).join(' | ')}`,
      );
    });
    expect(sent.length).toBeGreaterThan(SESSIONS);
    expect(sent.filter((id) => latest.get(id) !== 1)).toEqual([]);
  }, 300_000);

  it('moves all sessions of a host killed with SIGKILL to the survivor within lease + 15 s, keys intact', async () => {
    const killed = await owner();
    await h.startHost('host-c');
    const start = performance.now();
    killed.process.child.kill('SIGKILL');
    await killed.process.exited;
    await allConnectedAwayFrom(killed.hostId, FLEET_TIMING.leaseMs + 15_000);
    const elapsed = performance.now() - start;
    const [firstId, firstDevice] = [...devices.entries()][0] as [string, { pn: string }];
    const waId = await h.fake.sendText(contact.pn, firstDevice.pn, 'right after the failover');
    await h.until('the message after failover as an event', async () =>
      (await h.eventsOf(firstId)).find(
        (e) => e.data.id === waId && e.data.text === 'right after the failover',
      ),
    );
    expect(elapsed).toBeGreaterThan(FLEET_TIMING.leaseMs);
  }, 60_000);

  it('fences a host paused past its lease: it writes nothing over the new owner and no second login lingers', async () => {
    const paused = await owner();
    await h.startHost('host-d');
    const pid = paused.process.child.pid as number;
    process.kill(pid, 'SIGSTOP');
    try {
      await allConnectedAwayFrom(paused.hostId, FLEET_TIMING.leaseMs + 20_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const before = await Promise.all([...devices.keys()].map((id) => h.record(id)));
    // Woken, it suspends its sessions (WhatsApp replaced their sockets meanwhile), renews, and
    // checks each against its record before acting again: a peer took every one.
    await h.until('the woken host to hold its lease again', async () => {
      const lost = paused.logs.findIndex((l) => l.msg === 'lease lost: sessions suspended');
      return lost >= 0 && paused.logs.slice(lost).some((l) => l.msg === 'lease held') ? true : undefined;
    });
    // Proving a negative in another process, which has no round hook: three heartbeats is the
    // time the woken host would need to write anything back if fencing did not hold.
    await new Promise((r) => setTimeout(r, 3 * FLEET_TIMING.heartbeatMs));
    const after = await Promise.all([...devices.keys()].map((id) => h.record(id)));
    expect(after.map((r) => [r?.ownerHostId, r?.epoch, r?.status])).toEqual(
      before.map((r) => [r?.ownerHostId, r?.epoch, 'CONNECTED']),
    );
    expect(after.some((r) => r?.ownerHostId === paused.hostId)).toBe(false);
    const jids = h.fake.connections().flatMap((c) => (c.jid ? [c.jid] : []));
    expect(jids.length).toBe(new Set(jids).size);
    const [id, device] = [...devices.entries()][1] as [string, { pn: string }];
    const waId = await h.fake.sendText(contact.pn, device.pn, 'after the pause');
    await h.until('the message after the pause', async () =>
      (await h.eventsOf(id)).find((e) => e.data.id === waId),
    );
  }, 90_000);
});
