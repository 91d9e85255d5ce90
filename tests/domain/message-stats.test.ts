import { describe, expect, it } from 'vitest';
import {
  ALL_TENANTS,
  type CountableEvent,
  directionOf,
  fillWindow,
  foldIncrements,
} from '#commons/domain/message-stats.ts';

const at = '2026-12-01T21:14:30.000Z';
const minute = Math.floor(Date.parse(at) / 60_000);

describe('directionOf', () => {
  it.each<[string, Omit<CountableEvent, 'tenantId' | 'at'>, 'in' | 'out' | undefined]>([
    ['a contact’s message', { type: 'session:message', fromMe: false }, 'in'],
    ['a message the account sent from its phone', { type: 'session:message', fromMe: true }, 'out'],
    ['a queued send reported SENT', { type: 'session:message-status', fromMe: true, status: 'SENT' }, 'out'],
    [
      'a queued send still QUEUED',
      { type: 'session:message-status', fromMe: true, status: 'QUEUED' },
      undefined,
    ],
    ['a receipt', { type: 'session:message-status', fromMe: true, status: 'DELIVERED' }, undefined],
    ['a status change', { type: 'session:status' }, undefined],
  ])('%s', (_, event, expected) => {
    expect(directionOf({ ...event, tenantId: 't', at })).toBe(expected);
  });
});

describe('foldIncrements', () => {
  it('sums per tenant and minute, and the same again under every tenant', () => {
    const events: CountableEvent[] = [
      { tenantId: 'a', type: 'session:message', at, fromMe: false },
      { tenantId: 'a', type: 'session:message', at, fromMe: false },
      { tenantId: 'b', type: 'session:message', at, fromMe: true },
      { tenantId: 'b', type: 'session:message', at: 'not a time', fromMe: true },
    ];
    expect(foldIncrements(events)).toEqual([
      { scope: 'a', minute, in: 2, out: 0 },
      { scope: ALL_TENANTS, minute, in: 2, out: 1 },
      { scope: 'b', minute, in: 0, out: 1 },
    ]);
  });
});

describe('fillWindow', () => {
  it('gives every minute of the window, oldest first, zeros where nothing was counted', () => {
    const window = fillWindow(
      [
        { minute: minute - 1, in: 3, out: 1 },
        { minute: minute - 9, in: 9, out: 9 },
      ],
      minute,
      3,
    );
    expect(window).toEqual([
      { minute: minute - 2, in: 0, out: 0 },
      { minute: minute - 1, in: 3, out: 1 },
      { minute, in: 0, out: 0 },
    ]);
  });
});
