import type { LeaseConfig } from '#commons/domain/lease.ts';

/**
 * What goes wrong with one host during a run. Host 0 never fails, so there is
 * always somewhere for sessions to go.
 */
export type Fault =
  /** The process dies; with `restartAt`, a new incarnation of the same host id starts then. */
  | { readonly host: number; readonly kind: 'crash'; readonly from: number; readonly restartAt?: number }
  /** The process stops (GC, SIGSTOP): no timer fires, in-flight writes land after it resumes. */
  | { readonly host: number; readonly kind: 'pause'; readonly from: number; readonly until: number }
  /** Its link to the store loses every request or answer. */
  | { readonly host: number; readonly kind: 'cut'; readonly from: number; readonly until: number }
  /** Its link to the store delays every leg by up to `extraMs` more. */
  | {
      readonly host: number;
      readonly kind: 'slow';
      readonly from: number;
      readonly until: number;
      readonly extraMs: number;
    }
  /** SIGTERM: the graceful shutdown with handoff. */
  | { readonly host: number; readonly kind: 'shutdown'; readonly from: number };

export function planFaults(
  random: () => number,
  hosts: number,
  lease: LeaseConfig,
  windowMs: number,
): Fault[] {
  const faults: Fault[] = [];
  for (let host = 1; host < hosts; host++) {
    const roll = random();
    const from = 2_000 + random() * (windowMs - 2_000);
    const until = from + random() * lease.leaseMs * 2.5;
    if (roll < 0.1) faults.push({ host, kind: 'crash', from });
    else if (roll < 0.25)
      faults.push({ host, kind: 'crash', from, restartAt: from + random() * lease.leaseMs * 1.5 });
    else if (roll < 0.45) faults.push({ host, kind: 'pause', from, until });
    else if (roll < 0.6) faults.push({ host, kind: 'cut', from, until });
    else if (roll < 0.75)
      faults.push({ host, kind: 'slow', from, until, extraMs: random() * 2 * lease.heartbeatMs });
    else if (roll < 0.9) faults.push({ host, kind: 'shutdown', from });
  }
  return faults;
}

/** When the last fault ended (a crash or shutdown ends when it happens). */
export function lastFaultAt(faults: readonly Fault[]): number {
  return Math.max(
    0,
    ...faults.map((f) => ('until' in f ? f.until : 'restartAt' in f ? (f.restartAt ?? f.from) : f.from)),
  );
}

/** Pauses and link faults in force for `host` at `now`. */
export function active(
  faults: readonly Fault[],
  host: number,
  kind: Fault['kind'],
  now: number,
): Fault | undefined {
  return faults.find(
    (f) => f.host === host && f.kind === kind && now >= f.from && (!('until' in f) || now < f.until),
  );
}
