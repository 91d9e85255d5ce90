import { describe, expect, it } from 'vitest';
import {
  boundedPage,
  type EventEnvelope,
  envelopeBytes,
  MAX_PUSH_BYTES,
  pushPayload,
  responseBytes,
} from '#commons/domain/events.ts';

const event = (seq: number, text: string): EventEnvelope => ({
  v: 1,
  type: 'session:message',
  sessionId: 'ses_a',
  seq,
  eventId: `e${seq}`,
  at: '2026-01-01T00:00:00.000Z',
  data: { text },
});

describe('a bounded page of events', () => {
  it.each([
    {
      name: 'the count bound',
      sizes: [10, 10, 10, 10],
      limit: 2,
      maxBytes: 10_000,
      expected: [1, 2],
      more: true,
    },
    {
      name: 'the byte bound',
      sizes: [300, 300, 300],
      limit: 10,
      maxBytes: 1_000,
      expected: [1, 2],
      more: true,
    },
    {
      name: 'an event alone larger than the bound',
      sizes: [5_000, 10],
      limit: 10,
      maxBytes: 1_000,
      expected: [1],
      more: true,
    },
    {
      name: 'everything when it fits',
      sizes: [10, 10],
      limit: 10,
      maxBytes: 10_000,
      expected: [1, 2],
      more: false,
    },
    { name: 'nothing from nothing', sizes: [], limit: 10, maxBytes: 10_000, expected: [], more: false },
  ])('stops at $name', ({ sizes, limit, maxBytes, expected, more }) => {
    const events = sizes.map((n, i) => event(i + 1, 'x'.repeat(n)));
    const page = boundedPage(events, limit, maxBytes);
    expect(page.events.map((e) => e.seq)).toEqual(expected);
    expect(page.more).toBe(more);
  });

  it('counts quotes twice in a Lambda response, where the body is a JSON string', () => {
    const quotes = event(1, '"'.repeat(1_000));
    expect(responseBytes(quotes)).toBeGreaterThan(2 * envelopeBytes(quotes) - 100);
    const events = [quotes, event(2, '"'.repeat(1_000))];
    const limit = envelopeBytes(quotes) * 2 + 10;
    expect(boundedPage(events, 10, limit).events).toHaveLength(2);
    expect(boundedPage(events, 10, limit, responseBytes).events).toHaveLength(1);
  });
});

describe('the payload pushed for an event', () => {
  it('is the event itself when it fits one WebSocket message', () => {
    const small = event(3, 'hi');
    expect(JSON.parse(pushPayload(small))).toEqual(small);
  });

  it('is a reference to the HTTP log when it does not', () => {
    const big = event(7, 'x'.repeat(MAX_PUSH_BYTES));
    const pushed = JSON.parse(pushPayload(big)) as EventEnvelope;
    expect(pushed).toMatchObject({ seq: 7, eventId: 'e7', truncated: true, data: {} });
    expect(pushed.href).toBe('/v1/sessions/ses_a/events?after=6&limit=1');
  });
});
