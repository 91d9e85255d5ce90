import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle } from '../domain/clock.ts';

/** The process's own clock: `performance.now()` for leases, real timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clear: (handle: TimerHandle) => clearTimeout(handle as NodeJS.Timeout),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
