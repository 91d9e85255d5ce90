import { describe, expect, it } from 'vitest';
import { IdRanges, numericId } from '../../session-host/src/auth-state/id-ranges.ts';

describe('IdRanges (which pre-keys of a cold batch remain)', () => {
  it('holds a run of ids as one range and splits it on a deletion', () => {
    const ids = IdRanges.of(Array.from({ length: 812 }, (_, i) => i + 1));
    expect(ids.toJSON()).toEqual([[1, 812]]);
    ids.delete(400);
    ids.delete(1);
    ids.delete(812);
    ids.delete(5000);
    expect(ids.toJSON()).toEqual([
      [2, 399],
      [401, 811],
    ]);
    expect(ids.size).toBe(809);
    expect([1, 2, 399, 400, 401, 811, 812].map((id) => ids.has(id))).toEqual([
      false,
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
  });

  it('round-trips through its JSON form and refuses a malformed one', () => {
    const ids = IdRanges.of([3, 1, 2, 7, 9, 8]);
    const parsed = IdRanges.parse(JSON.parse(JSON.stringify(ids)));
    expect(parsed?.toJSON()).toEqual([
      [1, 3],
      [7, 9],
    ]);
    for (const bad of [
      'x',
      [[2, 1]],
      [[1, 2, 3]],
      [
        [5, 6],
        [1, 2],
      ],
      [[-1, 2]],
      [[1.5, 2]],
    ]) {
      expect(IdRanges.parse(bad)).toBeUndefined();
    }
  });

  it('empties when its last id goes', () => {
    const ids = IdRanges.of([5]);
    ids.delete(5);
    expect(ids.size).toBe(0);
    expect(ids.has(5)).toBe(false);
  });

  it('takes only canonical integer ids', () => {
    expect(['0', '17', '017', '-1', '1e3', 'abc', ''].map(numericId)).toEqual([
      0,
      17,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
