import { describe, expect, it } from 'vitest';
import { KeyedSerialQueue, SerialQueue } from '#commons/concurrency/serial-queue.ts';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('serial queue', () => {
  it('starts an operation only once the previous one settled, failed or not', async () => {
    const queue = new SerialQueue();
    const order: string[] = [];
    const first = deferred();
    const a = queue.run(async () => {
      order.push('a start');
      await first.promise;
      order.push('a end');
    });
    const b = queue.run(() => {
      order.push('b');
      return 'b';
    });
    await Promise.resolve();
    expect(order).toEqual(['a start']);
    first.reject(new Error('boom'));
    await expect(a).rejects.toThrow('boom');
    await expect(b).resolves.toBe('b');
    expect(order).toEqual(['a start', 'b']);
  });

  it('is idle only after the last queued operation', async () => {
    const queue = new SerialQueue();
    const gate = deferred();
    let done = false;
    void queue
      .run(() => gate.promise)
      .then(() => {
        done = true;
      });
    const idle = queue.idle().then(() => done);
    gate.resolve();
    await expect(idle).resolves.toBe(true);
  });
});

describe('keyed serial queue', () => {
  it('orders work per key, runs keys concurrently, and forgets a key once empty', async () => {
    const queue = new KeyedSerialQueue();
    const gate = deferred();
    const order: string[] = [];
    const a1 = queue.run('a', async () => {
      await gate.promise;
      order.push('a1');
    });
    const a2 = queue.run('a', () => {
      order.push('a2');
    });
    const b1 = queue.run('b', () => {
      order.push('b1');
    });
    await b1;
    expect(order).toEqual(['b1']);
    gate.resolve();
    await Promise.all([a1, a2]);
    expect(order).toEqual(['b1', 'a1', 'a2']);
    await queue.idle();
    await Promise.resolve();
    expect(queue.size).toBe(0);
  });
});
