import { leaseConfig } from '#commons/domain/lease.ts';
import type { SimOptions, SimResult } from './world.ts';

/** The fleet every seed runs: 4 hosts, 12 sessions, a 1 s heartbeat and a 4 s lease. */
export const lease = leaseConfig(1_000, 4_000);
export const fleet: Omit<SimOptions, 'seed'> = {
  hosts: 4,
  sessions: 12,
  lease,
  faultWindowMs: 20_000,
  maxDelayMs: 150,
  reconcileIntervalMs: 1_000,
};
/** Every session is owned again within a lease and six heartbeats of the last fault. */
export const recoveryBoundMs = lease.leaseMs + 6 * lease.heartbeatMs;

/** What is wrong with one seed's run, with the line that replays it; empty when it held. */
export function problems(seed: number, result: SimResult): string[] {
  const found = [...result.violations];
  if (result.recoveryMs === undefined) found.push('some session was never owned again');
  else if (result.recoveryMs > recoveryBoundMs)
    found.push(`recovery took ${Math.round(result.recoveryMs)} ms (bound ${recoveryBoundMs} ms)`);
  if (found.length === 0) return [];
  return [
    `seed ${seed}: ${found.slice(0, 3).join('; ')} — faults ${JSON.stringify(result.faults)} (replay: ZAPFLEET_SIM_SEED=${seed})`,
  ];
}
