import { describe, expect, it, vi } from 'vitest';
import { countReconcileRounds } from './reconcile-rounds.ts';
import { WaitTimeoutError, waitFor, waitForDrain } from './wait-for.ts';

describe('waitFor', () => {
  it('resolves with the first value the condition returns, not before', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), 'the third call', 1_000, 1);
    expect(value).toEqual({ calls: 3 });
  });

  it('fails naming what it waited for and what it last saw', async () => {
    await expect(
      waitFor(
        () => false,
        () => 'a flag; last: off',
        20,
        1,
      ),
    ).rejects.toThrow(new WaitTimeoutError('timed out after 20 ms waiting for a flag; last: off'));
  });
});

describe('waitForDrain', () => {
  it('keeps waiting while the backlog falls, however long the whole drain takes', async () => {
    vi.useFakeTimers();
    try {
      let left = 6;
      let polls = 0;
      // One fewer every third 10 ms poll: a 180 ms drain against a 30 ms stall bound.
      const drain = waitForDrain(() => (++polls % 3 === 0 ? --left : left), 'a slow backlog', 30, 10);
      await vi.advanceTimersByTimeAsync(200);
      await drain;
      expect([left, polls]).toEqual([0, 18]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails once the backlog stops falling, saying how much is left', async () => {
    let left = 3;
    const drain = waitForDrain(
      () => (left > 1 ? --left : left),
      (n) => `messages (${n} missing)`,
      30,
      1,
    );
    await expect(drain).rejects.toThrow(
      new WaitTimeoutError('no progress for 30 ms (1 left) waiting for messages (1 missing)'),
    );
  });

  it('does not count a backlog that grows back as progress', async () => {
    const counts = [5, 4, 9, 9, 9, 9];
    let i = 0;
    const drain = waitForDrain(() => counts[Math.min(i++, counts.length - 1)] as number, 'x', 25, 5);
    await expect(drain).rejects.toThrow(/no progress for 25 ms \(9 left\)/);
  });
});

describe('countReconcileRounds', () => {
  it('waits for rounds that finish after the call, through the instance the loop calls', async () => {
    let reconciled = 0;
    const host = {
      async reconcileAll(): Promise<void> {
        reconciled += 1;
      },
    };
    const rounds = countReconcileRounds(host);
    await host.reconcileAll();
    const twoMore = rounds.after(2, 1_000);
    await host.reconcileAll();
    await host.reconcileAll();
    await twoMore;
    expect([reconciled, rounds.count]).toEqual([3, 3]);
  });

  it('does not count a round that has not happened', async () => {
    const rounds = countReconcileRounds({ reconcileAll: async () => undefined });
    await expect(rounds.after(1, 30)).rejects.toThrow(WaitTimeoutError);
  });
});
