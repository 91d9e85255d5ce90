import type { Clock, TimerHandle } from '#commons/domain/clock.ts';

/** Whether an event of a host may run now: yes, later (paused until `until`), or never (crashed). */
export type Gate = { readonly run: true } | { readonly run: false; readonly until?: number };

interface Scheduled {
  at: number;
  seq: number;
  readonly owner: string | undefined;
  readonly run: () => void;
  cancelled: boolean;
}

/**
 * Virtual time for the whole simulated fleet: events run in (time, then
 * scheduling order), so a run is a pure function of its seed. An event owned
 * by a host runs only while the host's gate lets it (a paused host's events
 * wait for the resume, a crashed host's are dropped).
 */
export class Scheduler {
  now = 0;
  private readonly queue: Scheduled[] = [];
  private seq = 0;

  constructor(private readonly gate: (owner: string) => Gate) {}

  at(time: number, run: () => void, owner?: string): Scheduled {
    const event: Scheduled = { at: Math.max(time, this.now), seq: this.seq++, owner, run, cancelled: false };
    // Binary insertion keeps the queue ordered by time, then by scheduling order.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.queue[mid] as Scheduled).at <= event.at) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, event);
    return event;
  }

  /**
   * Runs every event up to `until`; after each one, the promise continuations
   * it released settle (setImmediate runs after the microtask queue is empty)
   * before virtual time moves on, and `after` checks the world.
   */
  async run(until: number, after: () => void): Promise<void> {
    for (let event = this.queue[0]; event && event.at <= until; event = this.queue[0]) {
      this.queue.shift();
      if (event.cancelled) continue;
      this.now = event.at;
      if (event.owner !== undefined) {
        const gate = this.gate(event.owner);
        if (!gate.run) {
          if (gate.until !== undefined) this.at(gate.until, event.run, event.owner);
          continue;
        }
      }
      event.run();
      await new Promise((resolve) => setImmediate(resolve));
      after();
    }
    this.now = until;
  }
}

/**
 * One host's view of virtual time: a monotonic clock that drifts (rate) from
 * an arbitrary origin, a slightly skewed wall clock, and timers that belong to
 * the host (they stop firing when it crashes and wait while it is paused).
 */
export class HostClock implements Clock {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly owner: string,
    private readonly rate: number,
    private readonly origin: number,
    private readonly wallSkewMs: number,
  ) {}

  now(): number {
    return this.origin + this.rate * this.scheduler.now;
  }

  wallNow(): number {
    return WALL_EPOCH + this.scheduler.now + this.wallSkewMs;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.scheduler.at(this.scheduler.now + this.global(ms), fn, this.owner);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const handle = { current: undefined as Scheduled | undefined, cancelled: false };
    const tick = (): void => {
      if (handle.cancelled) return;
      handle.current = this.scheduler.at(this.scheduler.now + this.global(ms), tick, this.owner);
      fn();
    };
    handle.current = this.scheduler.at(this.scheduler.now + this.global(ms), tick, this.owner);
    return handle;
  }

  clear(handle: TimerHandle): void {
    const h = handle as { cancelled: boolean; current?: { cancelled: boolean } };
    h.cancelled = true;
    if (h.current) h.current.cancelled = true;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Host milliseconds to virtual (global) milliseconds. */
  private global(ms: number): number {
    return Math.max(0, ms) / this.rate;
  }
}

/** Wall time at virtual zero: a fixed date, so records look real and runs stay reproducible. */
export const WALL_EPOCH = Date.UTC(2025, 0, 1);
