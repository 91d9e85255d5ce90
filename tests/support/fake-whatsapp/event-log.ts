import { WaitTimeoutError } from './wait-for.ts';

interface Waiter<T> {
  accept: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Everything an event source produced, plus promises for items still to come. */
export class EventLog<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<Waiter<T>>();

  push(item: T): void {
    this.items.push(item);
    for (const waiter of this.waiters) {
      if (!waiter.accept(item)) continue;
      this.waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(item);
    }
  }

  /** The first item (already logged or future) that `accept` takes. */
  waitFor(accept: (item: T) => boolean = () => true, timeoutMs = 10_000, label = 'event'): Promise<T> {
    const existing = this.items.find(accept);
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = {
        accept,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${label}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Rejects pending waits (used when the source is gone). */
  cancel(reason: string): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(reason));
    }
    this.waiters.clear();
  }
}
