/**
 * Runs operations one after another, each starting once the previous one
 * settled (a failure does not stop the queue; its caller sees it).
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  run<T>(op: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(op);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once everything queued so far has settled. */
  idle(): Promise<void> {
    return this.#tail;
  }
}

/**
 * One SerialQueue per key (a session), dropped once it runs empty: work on
 * one key is ordered, work on different keys runs concurrently.
 */
export class KeyedSerialQueue {
  readonly #queues = new Map<string, { queue: SerialQueue; pending: number }>();

  run<T>(key: string, op: () => Promise<T> | T): Promise<T> {
    let entry = this.#queues.get(key);
    if (!entry) {
      entry = { queue: new SerialQueue(), pending: 0 };
      this.#queues.set(key, entry);
    }
    const current = entry;
    current.pending += 1;
    const result = current.queue.run(op);
    void current.queue.idle().then(() => {
      current.pending -= 1;
      if (current.pending === 0 && this.#queues.get(key) === current) this.#queues.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.#queues.size;
  }

  /** Resolves once everything queued so far, on every key, has settled. */
  async idle(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((e) => e.queue.idle()));
  }
}
