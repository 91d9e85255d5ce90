import { describe, expect, it } from 'vitest';
import {
  leaseChange,
  leaseConfig,
  leaseHeld,
  mustSelfFence,
  PeerTracker,
  planTakeover,
} from '#commons/domain/lease.ts';

const lease = leaseConfig(5_000, 20_000);

describe('when a lease is held', () => {
  it.each([
    { lastConfirmedSendAt: undefined, now: 0, held: false },
    { lastConfirmedSendAt: 1_000, now: 1_000, held: true },
    { lastConfirmedSendAt: 1_000, now: 15_999, held: true },
    { lastConfirmedSendAt: 1_000, now: 16_000, held: false },
    { lastConfirmedSendAt: 10_000, now: 16_000, held: true },
  ])('confirmed send at $lastConfirmedSendAt, now $now → $held', ({ lastConfirmedSendAt, now, held }) => {
    expect(leaseHeld(lastConfirmedSendAt, now, lease)).toBe(held);
  });

  it.each([
    { wasHeld: true, held: false, everConfirmed: true, change: 'lost' },
    { wasHeld: false, held: true, everConfirmed: true, change: 'gained' },
    { wasHeld: false, held: true, everConfirmed: false, change: 'unchanged' },
    { wasHeld: true, held: true, everConfirmed: true, change: 'unchanged' },
    { wasHeld: false, held: false, everConfirmed: true, change: 'unchanged' },
  ])('was $wasHeld, now $held → $change', ({ wasHeld, held, everConfirmed, change }) => {
    expect(leaseChange(wasHeld, held, everConfirmed)).toBe(change);
  });
});

describe('lease rules', () => {
  it('fences a host a full heartbeat before peers may declare it dead', () => {
    expect(lease.selfFenceMs).toBe(15_000);
    expect(mustSelfFence(undefined, 0, lease)).toBe(true);
    expect(mustSelfFence(1_000, 15_999, lease)).toBe(false);
    expect(mustSelfFence(1_000, 16_000, lease)).toBe(true);
  });

  it('refuses a lease shorter than three heartbeats', () => {
    expect(() => leaseConfig(5_000, 10_000)).toThrow(RangeError);
  });

  it('declares a peer dead only after its version stood still for a full lease on the observer’s clock', () => {
    const tracker = new PeerTracker(lease);
    tracker.observe('b', 1, 0);
    tracker.observe('b', 2, 4_000);
    expect(tracker.isDead('b', 23_999)).toBe(false);
    expect(tracker.isDead('b', 24_000)).toBe(true);
    tracker.observe('b', 3, 24_500);
    expect(tracker.isDead('b', 30_000)).toBe(false);
    expect(tracker.isDead('unknown', 1e9)).toBe(false);
    expect(tracker.isDead('b', 24_600, true)).toBe(true);
  });

  it('spreads a dead host’s sessions so no live host ends above 1.25× the average', () => {
    const sessions = Array.from({ length: 100 }, (_, i) => `ses_${i}`);
    const live = [
      { hostId: 'a', load: 30, capacity: 500 },
      { hostId: 'b', load: 0, capacity: 500 },
      { hostId: 'c', load: 10, capacity: 500 },
    ];
    const plan = planTakeover(sessions, live);
    expect(plan.size).toBe(100);
    const final = live.map((h) => h.load + [...plan.values()].filter((v) => v === h.hostId).length);
    const average = final.reduce((a, b) => a + b, 0) / final.length;
    expect(Math.max(...final)).toBeLessThanOrEqual(1.25 * average);
  });

  it('gives the same plan whatever order the sessions are listed in, and skips full hosts', () => {
    const live = [
      { hostId: 'a', load: 0, capacity: 2 },
      { hostId: 'b', load: 5, capacity: 5 },
    ];
    const one = planTakeover(['s3', 's1', 's2'], live);
    const two = planTakeover(['s1', 's2', 's3'], live);
    expect([...one].sort()).toEqual([...two].sort());
    expect([...one.values()]).toEqual(['a', 'a']);
  });
});
