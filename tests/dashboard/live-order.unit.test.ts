import { describe, expect, it } from 'vitest';
import {
  admit,
  orderEarly,
  resumeAfter,
  type Sequenced,
} from '../../functions/dashboard/client/live-order.ts';

/** Feeds events through `admit` the way live.ts does for one listener. */
function listen(cursor: number | undefined, events: readonly Sequenced[]): Sequenced[] {
  const got: Sequenced[] = [];
  let at = cursor;
  for (const event of events) {
    const verdict = admit(at, event);
    at = verdict.cursor;
    if (verdict.deliver) got.push(event);
  }
  return got;
}

describe('live subscription ordering', () => {
  it('sorts what arrived before the ack by seq, keeping snapshots after the replay they follow', () => {
    const early = [{ seq: 7 }, { seq: 5 }, { seq: 6, snapshot: true }, { seq: 6 }];
    expect(orderEarly(early)).toEqual([{ seq: 5 }, { seq: 6, snapshot: true }, { seq: 6 }, { seq: 7 }]);
  });

  it('hands each event once, in order, dropping repeats and what the listener already had', () => {
    const events = [{ seq: 3 }, { seq: 4 }, { seq: 4 }, { seq: 2 }, { seq: 5 }];
    expect(listen(2, events).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(listen(undefined, events).map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('always passes a snapshot (current state), without moving the cursor', () => {
    const events = [{ seq: 9, snapshot: true }, { seq: 9 }, { seq: 9, snapshot: true }];
    expect(listen(9, events)).toEqual([
      { seq: 9, snapshot: true },
      { seq: 9, snapshot: true },
    ]);
  });

  it('resumes a reconnect after the lowest cursor, or from now while a listener has seen nothing', () => {
    expect(resumeAfter([12, 7, 30])).toBe(7);
    expect(resumeAfter([12, undefined])).toBeUndefined();
    expect(resumeAfter([])).toBeUndefined();
  });
});
