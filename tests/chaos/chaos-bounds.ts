/**
 * What a chaos run accepts: whole hosts and sessions, at least two hosts (a
 * fault must leave a peer to fail over to), and no more than one machine's
 * worth of host processes and fake contacts.
 */
export const CHAOS_BOUNDS = {
  hosts: { min: 2, max: 8 },
  sessions: { min: 1, max: 50 },
  minutes: { min: 0.1, max: 120 },
} as const;

/** Why the options are refused, or undefined when they are fine. */
export function chaosOptionsProblem(options: {
  hosts: number;
  sessions: number;
  minutes: number;
}): string | undefined {
  for (const key of ['hosts', 'sessions', 'minutes'] as const) {
    const { min, max } = CHAOS_BOUNDS[key];
    const value = options[key];
    if (!Number.isFinite(value) || value < min || value > max)
      return `--${key} must be between ${min} and ${max}`;
    if (key !== 'minutes' && !Number.isInteger(value)) return `--${key} must be a whole number`;
  }
  return undefined;
}
