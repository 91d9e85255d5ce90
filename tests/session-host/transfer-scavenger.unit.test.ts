import { describe, expect, it } from 'vitest';
import { TransferScavenger } from '../../session-host/src/media/transfer-scavenger.ts';
import { waitFor } from '../support/wait-for.ts';

const ticks = (n: number, ms: number) => new Promise((r) => setTimeout(r, n * ms));

describe('TransferScavenger', () => {
  it('collects the young generation only while a transfer runs', async () => {
    const scavenger = new TransferScavenger(5);
    await ticks(4, 5);
    expect(scavenger.count).toBe(0);
    const endA = scavenger.begin();
    const endB = scavenger.begin();
    await waitFor(() => scavenger.count >= 3, 'three collections');
    endA();
    endA(); // ending twice must not end the other transfer's collection
    const during = scavenger.count;
    await waitFor(() => scavenger.count > during, 'collections while B runs');
    endB();
    const after = scavenger.count;
    await ticks(10, 5);
    expect(scavenger.count).toBe(after);
  });
});
