import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope, NewEvent } from '#commons/domain/events.ts';
import { ThrottledError } from '#commons/events/api-gateway-poster.ts';
import { createFanoutPublisher } from '#commons/events/fanout-publisher.ts';
import type { ConnectionStore, EventLog } from '#commons/events/ports.ts';
import { POST_TO_CONNECTION_FAILED_MESSAGE } from '#commons/observability/metric-names.ts';

/** Fakes of our own ports: this is about the publisher's retry and cleanup logic. */
function memoryLog(): EventLog {
  const events: EventEnvelope[] = [];
  return {
    retire: async () => undefined,
    append: async (e: NewEvent) => {
      const envelope: EventEnvelope = {
        v: 1,
        type: e.type,
        sessionId: e.sessionId,
        seq: events.length + 1,
        eventId: e.eventId ?? `e${events.length + 1}`,
        at: new Date(0).toISOString(),
        data: e.data as Record<string, unknown>,
      };
      events.push(envelope);
      return envelope;
    },
    after: async (_s, after, limit) => events.filter((e) => e.seq > after).slice(0, limit),
    lastSeq: async () => events.length,
  };
}

function connections(ids: string[]): ConnectionStore & { removed: string[] } {
  const removed: string[] = [];
  return {
    removed,
    putConnection: async () => undefined,
    getConnection: async () => undefined,
    removeConnection: async (id) => void removed.push(id),
    subscribe: async () => undefined,
    unsubscribe: async () => undefined,
    subscribers: async () =>
      ids.filter((id) => !removed.includes(id)).map((connectionId) => ({ connectionId })),
    takeReplay: async () => ({ allowed: true }),
  };
}

const event: NewEvent = { type: 'session:message', tenantId: 't', sessionId: 's', data: { text: 'hi' } };

describe('the fan-out publisher', () => {
  it('leaves throttling retries to the SDK client: a post it gave up on is logged, not retried again', async () => {
    let calls = 0;
    const lines: { msg?: string; connectionId?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const publisher = createFanoutPublisher({
      log: memoryLog(),
      connections: connections(['c1', 'c2']),
      poster: {
        post: async (id) => {
          calls++;
          if (id === 'c1') throw new ThrottledError('slow down');
          return 'sent';
        },
      },
      logger,
    });
    const envelope = await publisher.publish(event);
    await publisher.idle();
    expect(envelope.seq).toBe(1);
    expect(calls).toBe(2);
    expect(lines).toEqual([
      expect.objectContaining({ msg: POST_TO_CONNECTION_FAILED_MESSAGE, connectionId: 'c1' }),
    ]);
  });

  it('removes a gone connection and keeps posting to the others', async () => {
    const store = connections(['gone', 'live']);
    const posted: string[] = [];
    const publisher = createFanoutPublisher({
      log: memoryLog(),
      connections: store,
      poster: {
        post: async (id) => {
          posted.push(id);
          return id === 'gone' ? 'gone' : 'sent';
        },
      },
      logger: pino({ level: 'silent' }),
    });
    await publisher.publish(event);
    await publisher.publish(event);
    await publisher.idle();
    expect(store.removed).toEqual(['gone']);
    expect(posted).toEqual(['gone', 'live', 'live']);
  });

  it('falls back to the reference when the gateway still finds the payload too large', async () => {
    const payloads: string[] = [];
    const publisher = createFanoutPublisher({
      log: memoryLog(),
      connections: connections(['c1']),
      poster: {
        post: async (_id, payload) => {
          payloads.push(payload);
          return payloads.length === 1 ? 'too-large' : 'sent';
        },
      },
      logger: pino({ level: 'silent' }),
    });
    await publisher.publish(event);
    await publisher.idle();
    expect(payloads).toHaveLength(2);
    expect(JSON.parse(payloads[1] as string)).toMatchObject({ truncated: true, seq: 1 });
  });
});
