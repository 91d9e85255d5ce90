import { performance } from 'node:perf_hooks';
import type { FleetHarness, FleetHost } from '../fleet/fleet-harness.ts';
import { percentile } from './bench-support.ts';

/** What one phase (a host signalled) measured for the sessions it owned. */
export interface PhaseResult {
  readonly sessions: number;
  readonly connected: number;
  /** From the signal until the session's record names another host. */
  readonly claimed: Summary;
  /** From the signal until the session is CONNECTED on another host. */
  readonly connectedMs: Summary;
  /** Sessions each surviving host ended up with. */
  readonly spread: Record<string, number>;
  /** Sessions whose owner changed more than once after the signal (survivors competing or moving them on). */
  readonly ownerChangedTwice: number;
  /** Sessions whose epoch grew by more than takeover + claim (2): an extra fence, i.e. a contested owner. */
  readonly extraEpochs: number;
}

interface Summary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly first: number;
}

const summary = (xs: readonly number[]): Summary => ({
  p50: percentile(xs, 50),
  p99: percentile(xs, 99),
  max: percentile(xs, 100),
  first: percentile(xs, 0.0001),
});

/**
 * Signals `away` and polls the records of the sessions it owned (consistent
 * reads, every 100 ms) until each is CONNECTED on another host or the timeout.
 */
export async function measurePhase(
  h: FleetHarness,
  away: FleetHost,
  act: () => void,
  timeoutMs: number,
): Promise<PhaseResult> {
  const before = new Map<string, number>();
  for (const r of await h.ownership.assignedTo(away.hostId)) before.set(r.sessionId, r.epoch);
  const ids = [...before.keys()];
  const claimed = new Map<string, number>();
  const connected = new Map<string, number>();
  const owners = new Map<string, string[]>();
  const finalOwner = new Map<string, string>();
  const finalEpoch = new Map<string, number>();
  const start = performance.now();
  act();
  const deadline = start + timeoutMs;
  while (connected.size < ids.length && performance.now() < deadline) {
    const records = await Promise.all(ids.filter((id) => !connected.has(id)).map((id) => h.record(id)));
    const at = performance.now() - start;
    for (const r of records) {
      const owner = r?.ownerHostId;
      if (!r || !owner || owner === away.hostId) continue;
      const seen = owners.get(r.sessionId) ?? [];
      if (seen.at(-1) !== owner) owners.set(r.sessionId, [...seen, owner]);
      if (!claimed.has(r.sessionId)) claimed.set(r.sessionId, at);
      if (r.status === 'CONNECTED') {
        connected.set(r.sessionId, at);
        finalOwner.set(r.sessionId, owner);
        finalEpoch.set(r.sessionId, r.epoch);
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const spread: Record<string, number> = {};
  for (const owner of finalOwner.values()) spread[owner] = (spread[owner] ?? 0) + 1;
  let extraEpochs = 0;
  for (const [id, epoch] of finalEpoch) if (epoch - (before.get(id) ?? 0) > 2) extraEpochs++;
  return {
    sessions: ids.length,
    connected: connected.size,
    claimed: summary([...claimed.values()]),
    connectedMs: summary([...connected.values()]),
    spread,
    ownerChangedTwice: [...owners.values()].filter((o) => o.length > 1).length,
    extraEpochs,
  };
}

/** Counts, every 100 ms, devices with two logged-in sockets at the fake (double ownership). */
export function doubleOwnershipSampler(h: FleetHarness): { stop(): number } {
  let doubles = 0;
  const timer = setInterval(() => {
    const jids = h.fake.connections().flatMap((c) => (c.jid ? [c.jid] : []));
    doubles += jids.length - new Set(jids).size;
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return doubles;
    },
  };
}
