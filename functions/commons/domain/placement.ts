/**
 * Where a started session runs: power of two choices on load/capacity among
 * live hosts that have room and are not draining.
 */
export interface PlacementCandidate {
  readonly hostId: string;
  readonly capacity: number;
  readonly load: number;
  readonly draining?: boolean | undefined;
}

/** Returns an integer in [0, n). */
export type PickIndex = (n: number) => number;

export const randomIndex: PickIndex = (n) => Math.floor(Math.random() * n);

export function hasRoom(host: PlacementCandidate): boolean {
  return !host.draining && host.capacity > 0 && host.load < host.capacity;
}

function utilisation(host: PlacementCandidate): number {
  return host.load / host.capacity;
}

/**
 * Samples two distinct eligible hosts and keeps the less loaded one (ties go to
 * the first sample). Undefined when no host has room.
 */
export function chooseHost<T extends PlacementCandidate>(
  hosts: readonly T[],
  pick: PickIndex = randomIndex,
): T | undefined {
  const eligible = hosts.filter(hasRoom);
  if (eligible.length <= 1) return eligible[0];
  const i = pick(eligible.length);
  let j = pick(eligible.length - 1);
  if (j >= i) j++;
  const a = eligible[i];
  const b = eligible[j];
  if (!a || !b) return a ?? b;
  return utilisation(b) < utilisation(a) ? b : a;
}
