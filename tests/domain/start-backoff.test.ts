import { describe, expect, it } from 'vitest';
import {
  afterStartFailure,
  backoffCap,
  backoffDelay,
  maxAttemptsWithin,
  mayAttemptStart,
} from '#commons/domain/start-backoff.ts';

const schedule = { baseMs: 100, maxMs: 1_000 };

describe('start backoff after auth-state open failures', () => {
  it.each([
    { failures: 1, cap: 100 },
    { failures: 2, cap: 200 },
    { failures: 4, cap: 800 },
    { failures: 5, cap: 1_000 },
    { failures: 500, cap: 1_000 },
  ])('caps the delay after $failures failures at $cap ms', ({ failures, cap }) => {
    expect(backoffCap(schedule, failures)).toBe(cap);
  });

  it.each([
    { failures: 1, random: 0, delay: 50 },
    { failures: 1, random: 0.999_999, delay: 99.99995 },
    { failures: 3, random: 0.5, delay: 300 },
    { failures: 9, random: 0, delay: 500 },
  ])(
    'waits between half the cap and the cap (failures $failures, random $random)',
    ({ failures, random, delay }) => {
      expect(backoffDelay(schedule, failures, random)).toBeCloseTo(delay, 3);
    },
  );

  it.each([
    { windowMs: 0, attempts: 1 },
    { windowMs: 49, attempts: 1 },
    { windowMs: 50, attempts: 2 },
    // gaps at their lower bound: 50, 100, 200, 400, 500, 500…
    { windowMs: 350, attempts: 4 },
    { windowMs: 1_250, attempts: 6 },
    { windowMs: 60_000, attempts: 123 },
  ])('allows at most $attempts attempts within $windowMs ms', ({ windowMs, attempts }) => {
    expect(maxAttemptsWithin(schedule, windowMs)).toBe(attempts);
  });

  it.each([
    { name: 'never failed', state: undefined, now: 0, may: true },
    { name: 'before it is due', state: { failures: 2, notBefore: 500 }, now: 499, may: false },
    { name: 'once due', state: { failures: 2, notBefore: 500 }, now: 500, may: true },
  ])('may attempt a start: $name → $may', ({ state, now, may }) => {
    expect(mayAttemptStart(state, now)).toBe(may);
  });

  it.each([
    { name: 'first failure reports', state: undefined, failures: 1, report: true, notBefore: 1_050 },
    {
      name: 'a retry does not',
      state: { failures: 1, notBefore: 0 },
      failures: 2,
      report: false,
      notBefore: 1_100,
    },
  ])('$name', ({ state, failures, report, notBefore }) => {
    const next = afterStartFailure(state, 1_000, schedule, 0);
    expect(next).toEqual({ state: { failures, notBefore }, report });
  });
});
