/**
 * How a host retries starting a session whose auth state could not be opened
 * (S3 or DynamoDB away): exponentially, with jitter, per session. Each attempt
 * is a claim (epoch + 1) and a read of the auth state; retrying every
 * reconcile round would grow the epoch and hit a recovering store from every
 * host at once.
 */
export interface StartBackoffSchedule {
  /** Delay cap after the first failure. */
  readonly baseMs: number;
  /** The cap never grows past this. */
  readonly maxMs: number;
}

/** Conservative: a store outage of minutes costs each session a handful of claims, not one per round. */
export const DEFAULT_START_BACKOFF: StartBackoffSchedule = { baseMs: 5_000, maxMs: 300_000 };

/** The cap of the delay after `failures` consecutive failures (failures ≥ 1). Pure. */
export function backoffCap(schedule: StartBackoffSchedule, failures: number): number {
  const exponent = Math.max(0, failures - 1);
  // 2 ** 40 already dwarfs any cap; keeps the arithmetic finite.
  return Math.min(schedule.maxMs, schedule.baseMs * 2 ** Math.min(exponent, 40));
}

/**
 * The wait before the next attempt after `failures` consecutive failures:
 * "equal jitter", between half the cap and the cap, so attempts of many
 * sessions spread out yet a lower bound holds. `random` returns [0, 1).
 */
export function backoffDelay(schedule: StartBackoffSchedule, failures: number, random: number): number {
  const cap = backoffCap(schedule, failures);
  return cap / 2 + (cap / 2) * Math.min(Math.max(random, 0), 1);
}

/**
 * The most attempts the schedule allows within `windowMs` of the first one
 * (the first included): every gap at its lower bound. Pure; tests bound claims
 * and events of an outage with it.
 */
export function maxAttemptsWithin(schedule: StartBackoffSchedule, windowMs: number): number {
  let attempts = 1;
  let at = 0;
  for (let failures = 1; ; failures++) {
    at += backoffCap(schedule, failures) / 2;
    if (at > windowMs) return attempts;
    attempts += 1;
  }
}

/** One session's retry state on a host. */
export interface StartRetryState {
  readonly failures: number;
  /** Monotonic time before which no attempt is made. */
  readonly notBefore: number;
}

/** Whether a start may be attempted now. Pure. */
export function mayAttemptStart(state: StartRetryState | undefined, now: number): boolean {
  return state === undefined || now >= state.notBefore;
}

/**
 * The state after a failed attempt at `now`, and whether to report it: only the
 * first failure of a streak becomes a `session:error` (a retry is not news).
 */
export function afterStartFailure(
  state: StartRetryState | undefined,
  now: number,
  schedule: StartBackoffSchedule,
  random: number,
): { readonly state: StartRetryState; readonly report: boolean } {
  const failures = (state?.failures ?? 0) + 1;
  return {
    state: { failures, notBefore: now + backoffDelay(schedule, failures, random) },
    report: failures === 1,
  };
}
