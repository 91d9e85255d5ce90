import { waitFor } from './wait-for.ts';

/** How many full reconcile rounds a host finished, to prove "nothing happened for N rounds". */
export interface ReconcileRounds {
  readonly count: number;
  /** Resolves once `n` more rounds have finished than when it was called. */
  after(n: number, timeoutMs?: number): Promise<void>;
}

/**
 * Counts the rounds of a host's reconcile loop by wrapping its public
 * `reconcileAll` on the instance (the loop calls it through `this`). Call
 * before `start()`, which runs the first round. The host offers no round
 * hook of its own yet; a public `onReconcileRound` option would replace this.
 */
export function countReconcileRounds(host: { reconcileAll(): Promise<void> }): ReconcileRounds {
  const original = host.reconcileAll.bind(host);
  let count = 0;
  host.reconcileAll = async () => {
    try {
      await original();
    } finally {
      count += 1;
    }
  };
  return {
    get count() {
      return count;
    },
    async after(n, timeoutMs = 15_000) {
      const target = count + n;
      await waitFor(
        () => count >= target,
        `${n} reconcile rounds (finished ${count} of ${target})`,
        timeoutMs,
      );
    },
  };
}
