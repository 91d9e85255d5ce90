import { describe, expect, it } from 'vitest';
import { countReconcileRounds } from './reconcile-rounds.ts';
import { WaitTimeoutError, waitFor } from './wait-for.ts';

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
