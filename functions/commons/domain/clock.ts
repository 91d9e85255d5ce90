/**
 * Time as the host's fleet logic sees it: a monotonic `now()` for lease
 * arithmetic, wall time for records, and timers. Injected so a simulation can
 * drive the real classes on a virtual clock.
 */
export interface Clock {
  /** Monotonic milliseconds (never jumps with the wall clock). */
  now(): number;
  /** Epoch milliseconds, for what is written to records. */
  wallNow(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clear(handle: TimerHandle): void;
  sleep(ms: number): Promise<void>;
}

/** Opaque: whatever the clock's timer functions return. */
export type TimerHandle = unknown;
