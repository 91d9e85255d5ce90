import type { Fault } from './schedule.ts';

/**
 * Schedules that once broke a promise, kept as they were drawn: the schedule
 * generator has gained fault kinds since, so their seeds alone would no
 * longer replay them. Each runs in `npm test` (tests/chaos/chaos-short.test.ts).
 */
export interface RegressionSchedule {
  readonly name: string;
  /** The seed that drew it, for the violations' reports. */
  readonly seed: number;
  readonly minutes: number;
  readonly hosts: number;
  readonly sessions: number;
  /** What it found, and what fixed it. */
  readonly found: string;
  readonly schedule: readonly Fault[];
}

export const REGRESSIONS: readonly RegressionSchedule[] = [
  {
    name: 'seed 20 (schedule of 2026-11)',
    seed: 20,
    minutes: 1.5,
    hosts: 3,
    sessions: 6,
    found:
      '9 violations (contact messages lost, a final round undecryptable). A pointer write whose ' +
      'answer was lost was taken for a failure (fixed: read back before a commit is called failed; ' +
      '3-4 left). The rest: a redelivered message whose keys the next owner had already consumed, ' +
      'recovered once the contact re-encrypts on the retry receipt as a phone does (0 left).',
    schedule: [
      { at: 8268, kind: 'kill', slot: 1, restartAfterMs: 1996 },
      { at: 15186, kind: 's3', slot: 2, mode: { kind: 'drop' }, forMs: 1826 },
      { at: 22970, kind: 'dynamodb', slot: 'all', mode: { kind: 'reset' }, forMs: 2550 },
      { at: 29434, kind: 'kill', slot: 0, restartAfterMs: 1817 },
      { at: 43608, kind: 'wa-end', session: 5 },
      { at: 51647, kind: 'kill', slot: 1, restartAfterMs: 1308 },
      { at: 61819, kind: 'kill', slot: 0, restartAfterMs: 3408 },
      { at: 71157, kind: 'wa-end', session: 4 },
    ],
  },
];
