import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseHost, hasRoom, type PickIndex, type PlacementCandidate } from '#commons/domain/placement.ts';

const host = (hostId: string, load: number, capacity = 10, draining = false): PlacementCandidate => ({
  hostId,
  load,
  capacity,
  draining,
});

/** Returns the given indexes in order, so a test decides which two hosts are sampled. */
const picks = (...values: number[]): PickIndex => {
  let i = 0;
  return () => values[i++] ?? 0;
};

describe('placement by power of two choices', () => {
  it.each([
    { name: 'no hosts', hosts: [], pick: picks(), expected: undefined },
    { name: 'only full hosts', hosts: [host('a', 10), host('b', 12)], pick: picks(), expected: undefined },
    { name: 'only draining hosts', hosts: [host('a', 0, 10, true)], pick: picks(), expected: undefined },
    { name: 'zero capacity', hosts: [host('a', 0, 0)], pick: picks(), expected: undefined },
    { name: 'one host with room', hosts: [host('a', 9)], pick: picks(), expected: 'a' },
    { name: 'skips a full host', hosts: [host('a', 10), host('b', 3)], pick: picks(), expected: 'b' },
    {
      name: 'skips a draining host',
      hosts: [host('a', 0, 10, true), host('b', 8)],
      pick: picks(),
      expected: 'b',
    },
    {
      name: 'the less loaded of the two sampled',
      hosts: [host('a', 5), host('b', 2), host('c', 0)],
      pick: picks(0, 0),
      expected: 'b',
    },
    {
      name: 'second sample skips the first index',
      hosts: [host('a', 5), host('b', 2), host('c', 0)],
      pick: picks(1, 1),
      expected: 'c',
    },
    {
      name: 'compares utilisation, not raw load',
      hosts: [host('a', 5, 100), host('b', 2, 4)],
      pick: picks(0, 0),
      expected: 'a',
    },
    {
      name: 'a tie keeps the first sample',
      hosts: [host('a', 1), host('b', 1)],
      pick: picks(1, 0),
      expected: 'b',
    },
  ])('$name', ({ hosts, pick, expected }) => {
    expect(chooseHost(hosts, pick)?.hostId).toBe(expected);
  });

  it('never places on a full or draining host and always places when one has room', () => {
    const candidate = fc.record({
      hostId: fc.uuid(),
      capacity: fc.integer({ min: 0, max: 20 }),
      load: fc.integer({ min: 0, max: 25 }),
      draining: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 8 }), fc.infiniteStream(fc.nat()), (hosts, stream) => {
        const it = stream[Symbol.iterator]();
        const chosen = chooseHost(hosts, (n) => (it.next().value as number) % n);
        if (hosts.some(hasRoom)) {
          expect(chosen).toBeDefined();
          expect(hasRoom(chosen as PlacementCandidate)).toBe(true);
        } else {
          expect(chosen).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});
