import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope, NewEvent } from '#commons/domain/events.ts';
import { createFanoutPublisher } from '#commons/events/fanout-publisher.ts';
import type { ConnectionPoster, ConnectionStore, EventLog, PostResult } from '#commons/events/ports.ts';
import { type AppendGuard, SubscriptionsChangedError } from '#commons/events/subscriptions-version.ts';

/** A log that counts subscription changes like the DynamoDB one: a guarded append on a stale version is refused. */
function versionedLog(): EventLog & { bump(): void; readonly events: EventEnvelope[] } {
  const events: EventEnvelope[] = [];
  let version = 0;
  return {
    events,
    bump: () => void version++,
    retire: async () => undefined,
    subscriptionsVersion: async () => version,
    append: async (e: NewEvent, guard?: AppendGuard) => {
      if (guard && guard.subscriptionsVersion !== version)
        throw new SubscriptionsChangedError(e.sessionId, version);
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

function store(ids: string[]): ConnectionStore & { queries: number } {
  const s = {
    queries: 0,
    putConnection: async () => undefined,
    getConnection: async () => undefined,
    removeConnection: async () => undefined,
    subscribe: async () => undefined,
    unsubscribe: async () => undefined,
    subscribers: async () => {
      s.queries++;
      return ids.map((connectionId) => ({ connectionId }));
    },
    takeReplay: async () => ({ allowed: true as const }),
  };
  return s;
}

/** Records what each connection received, in arrival order; posts wait for `delay` (seeded, so runs repeat). */
function recordingPoster(delay: () => number = () => 0): ConnectionPoster & { got: Map<string, number[]> } {
  const got = new Map<string, number[]>();
  return {
    got,
    post: async (id, payload): Promise<PostResult> => {
      await new Promise((r) => setTimeout(r, delay()));
      const list = got.get(id) ?? [];
      list.push((JSON.parse(payload) as { seq: number }).seq);
      got.set(id, list);
      return 'sent';
    },
  };
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

const event = (sessionId = 's'): NewEvent => ({
  type: 'session:message',
  tenantId: 't',
  sessionId,
  data: {},
});
const silent = pino({ level: 'silent' });

describe('the fan-out publisher’s subscriber cache', () => {
  it('reads a session’s subscribers once while their version stays the same', async () => {
    const connections = store(['c1', 'c2']);
    const poster = recordingPoster();
    const publisher = createFanoutPublisher({ log: versionedLog(), connections, poster, logger: silent });
    for (let i = 0; i < 5; i++) await publisher.publish(event());
    await publisher.idle();
    expect(connections.queries).toBe(1);
    expect(poster.got.get('c2')).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads them again when a subscription changed, and the new subscriber gets the very next event', async () => {
    const ids = ['c1'];
    const log = versionedLog();
    const connections = store(ids);
    const poster = recordingPoster();
    const publisher = createFanoutPublisher({ log, connections, poster, logger: silent });
    await publisher.publish(event());
    ids.push('c2');
    log.bump();
    await publisher.publish(event());
    await publisher.idle();
    expect(poster.got.get('c2')).toEqual([2]);
    expect(connections.queries).toBe(2);
  });
});

describe('the fan-out publisher’s pipeline', () => {
  it('resolves a publish once the event is in the log, while its posts are still out', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const poster: ConnectionPoster = {
      post: async () => {
        await gate;
        return 'sent';
      },
    };
    const log = versionedLog();
    const publisher = createFanoutPublisher({ log, connections: store(['c1']), poster, logger: silent });
    const published = await Promise.race([
      publisher.publish(event()).then(() => 'appended'),
      new Promise((r) => setTimeout(() => r('still waiting on the post'), 2_000)),
    ]);
    release();
    await publisher.idle();
    expect(published).toBe('appended');
    expect(log.events).toHaveLength(1);
  });

  it('lets appends run ahead of fan-out only up to its bound, then waits', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const poster: ConnectionPoster = {
      post: async () => {
        await gate;
        return 'sent';
      },
    };
    const publisher = createFanoutPublisher({
      log: versionedLog(),
      connections: store(['c1']),
      poster,
      logger: silent,
      maxPendingPerSession: 3,
    });
    const resolved: number[] = [];
    const publishes = Array.from({ length: 6 }, (_, i) =>
      publisher.publish(event()).then(() => resolved.push(i)),
    );
    // The fourth append is past the bound: it and everything behind it wait for the first fan-out.
    await publishes[2];
    await new Promise((r) => setTimeout(r, 50));
    expect(resolved).toEqual([0, 1, 2]);
    release();
    await Promise.all(publishes);
    await publisher.idle();
    expect(resolved).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('delivers to each connection in seq order while appends run ahead and posts take random time', async () => {
    const random = seeded(7);
    const poster = recordingPoster(() => Math.floor(random() * 4));
    const ids = Array.from({ length: 10 }, (_, i) => `c${i}`);
    const publisher = createFanoutPublisher({
      log: versionedLog(),
      connections: store(ids),
      poster,
      logger: silent,
      concurrency: 4,
    });
    await Promise.all(Array.from({ length: 40 }, () => publisher.publish(event())));
    await publisher.idle();
    const expected = Array.from({ length: 40 }, (_, i) => i + 1);
    for (const id of ids) expect(poster.got.get(id)).toEqual(expected);
  });
});
