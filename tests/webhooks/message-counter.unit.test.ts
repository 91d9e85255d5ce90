import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import type { MessageStatsStore, StatsIncrement } from '#commons/domain/message-stats.ts';
import { createLogger } from '#commons/logging/logger.ts';
import {
  type CountableRecord,
  countableEvents,
  countMessages,
} from '../../functions/webhooks/message-counter.ts';

type NewImage = NonNullable<NonNullable<CountableRecord['dynamodb']>['NewImage']>;
const at = '2026-12-01T21:14:30.000Z';
const minute = Math.floor(Date.parse(at) / 60_000);

function record(item: Record<string, unknown>, eventName = 'INSERT'): CountableRecord {
  return { eventName, dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) as NewImage } };
}

const message = (seq: number, fromMe: boolean) =>
  record({
    sessionId: 'ses_a',
    seq,
    tenantId: 't1',
    type: 'session:message',
    at,
    data: { fromMe, text: 'x' },
  });

describe('countableEvents', () => {
  it('reads inserted events only: not the seq counter, not an id marker, not a modify', () => {
    const records = [
      message(1, false),
      record({ sessionId: 'ses_a', seq: 0, lastSeq: 1 }),
      record({ sessionId: 'dedup#ses_a#msg_1', seq: 0, ref: 1 }),
      record({ sessionId: 'ses_a', seq: 2, tenantId: 't1', type: 'session:message', at, data: {} }, 'MODIFY'),
      record({
        sessionId: 'ses_a',
        seq: 3,
        tenantId: 't1',
        type: 'session:message-status',
        at,
        data: { fromMe: true, status: 'SENT' },
      }),
    ];
    expect(countableEvents(records)).toEqual([
      { tenantId: 't1', type: 'session:message', at, fromMe: false, status: undefined },
      { tenantId: 't1', type: 'session:message-status', at, fromMe: true, status: 'SENT' },
    ]);
  });
});

describe('countMessages', () => {
  const log = createLogger({ name: 'counter-test', level: 'silent' });

  it('adds one increment per tenant and minute, and the all-tenants sum', async () => {
    const added: StatsIncrement[] = [];
    const store: MessageStatsStore = { add: async (i) => void added.push(...i), read: async () => [] };
    await countMessages(store, [message(1, false), message(2, false), message(3, true)], log);
    expect(added).toEqual([
      { scope: 't1', minute, in: 2, out: 1 },
      { scope: '*', minute, in: 2, out: 1 },
    ]);
  });

  it('never fails the batch when the counters cannot be written, and reports what it lost', async () => {
    const store: MessageStatsStore = {
      add: async () => {
        throw new Error('throttled');
      },
      read: async () => [],
    };
    const onLost = vi.fn();
    await expect(countMessages(store, [message(1, false)], log, onLost)).resolves.toBeUndefined();
    expect(onLost).toHaveBeenCalledWith(2);
  });
});
