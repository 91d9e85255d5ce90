import type { Logger } from 'pino';
import { KeyedSerialQueue } from '../concurrency/serial-queue.ts';
import {
  type ControlMessage,
  type EventEnvelope,
  MAX_PUSH_BYTES,
  type NewEvent,
  pushPayload,
  truncatedEnvelope,
} from '../domain/events.ts';
import { POST_TO_CONNECTION_FAILED_MESSAGE } from '../observability/metric-names.ts';
import type { ConnectionPoster, ConnectionStore, EventLog, EventPublisher, Subscriber } from './ports.ts';
import { SubscriberCache } from './subscriber-cache.ts';
import { SubscriptionsChangedError } from './subscriptions-version.ts';

/**
 * Bounds of fan-out (README "Limits"). Posts of one event go out
 * `postConcurrency` at a time; appends run ahead of their fan-out by at most
 * `maxPendingPerSession` events, past which publish waits for the newest
 * fan-out (backpressure into the host's event queue, nothing dropped).
 * Measured with `npm run bench -- fanout` (100 subscribers): 64 posts at once
 * came to half the throughput of 100; one event ahead lets the next append
 * overlap a fan-out, and two already doubled p99 (an event waits behind two
 * fan-outs) for no more throughput (README "Benchmarks").
 */
export const FANOUT_LIMITS = {
  postConcurrency: 100,
  maxPendingPerSession: 1,
  /** Appends refused for a changed subscriber list before the publish fails (its caller retries). */
  subscriptionRetries: 8,
} as const;

export interface FanoutOptions {
  readonly log: EventLog;
  readonly connections: ConnectionStore;
  readonly poster: ConnectionPoster;
  readonly logger: Logger;
  /** Posts in flight per event. */
  readonly concurrency?: number;
  /** Events appended but not yet fanned out, per session. */
  readonly maxPendingPerSession?: number;
  readonly cache?: SubscriberCache;
  /** API Gateway's frame limit is 128 KB; stay under it. */
  readonly maxPayloadBytes?: number;
  readonly now?: () => number;
}

/** Posted to a connection whose token has expired, just before it is closed. */
export const TOKEN_EXPIRED_NOTICE: ControlMessage = {
  type: 'error',
  code: 'TOKEN_EXPIRED',
  message: 'token expired: connect again with a new token',
};

/** True once the connection's token has expired (a connection without a known expiry never does). */
export function tokenExpired(tokenExpiresAt: number | undefined, nowMs: number): boolean {
  return tokenExpiresAt !== undefined && tokenExpiresAt * 1000 <= nowMs;
}

/**
 * Records every event in the session's log, then pushes it to the session's
 * subscribers. Publish resolves once the event is durable; its fan-out runs
 * behind, one event after another per session, so each subscriber receives
 * events in `seq` order while the next append is already on its way. The
 * subscriber list is cached per session and checked by the append itself
 * (subscriptions-version.ts). A connection that answers 410 is removed.
 */
export function createFanoutPublisher(options: FanoutOptions): EventPublisher & { idle(): Promise<void> } {
  const concurrency = options.concurrency ?? FANOUT_LIMITS.postConcurrency;
  const maxPending = options.maxPendingPerSession ?? FANOUT_LIMITS.maxPendingPerSession;
  const maxBytes = options.maxPayloadBytes ?? MAX_PUSH_BYTES;
  const now = options.now ?? Date.now;
  const cache = options.cache ?? new SubscriberCache();
  const perSession = new KeyedSerialQueue();
  const deliveries = new KeyedSerialQueue();
  const pending = new Map<string, number>();

  /**
   * Throttling is retried inside the poster's client (managementClientConfig):
   * a post that still fails here has used its attempts, and the event stays
   * in the log for the client's replay.
   */
  const post = async (
    sessionId: string,
    connectionId: string,
    payload: string,
    reference: string,
  ): Promise<void> => {
    try {
      let result = await options.poster.post(connectionId, payload);
      // Only reachable if our own size estimate was wrong: fall back to the reference.
      if (result === 'too-large' && payload !== reference)
        result = await options.poster.post(connectionId, reference);
      if (result === 'gone') {
        cache.drop(sessionId, connectionId);
        await options.connections.removeConnection(connectionId);
      }
    } catch (err) {
      options.logger.warn({ err, connectionId }, POST_TO_CONNECTION_FAILED_MESSAGE);
    }
  };

  /**
   * An idle connection sends no action that could be refused, so fan-out is
   * where its expired token is noticed: tell it why, then close it.
   */
  const closeExpired = async (sessionId: string, connectionId: string): Promise<void> => {
    cache.drop(sessionId, connectionId);
    try {
      await options.poster.post(connectionId, JSON.stringify(TOKEN_EXPIRED_NOTICE));
      await options.poster.close?.(connectionId);
    } finally {
      await options.connections.removeConnection(connectionId);
    }
  };

  const deliver = async (
    sessionId: string,
    subscriber: Subscriber,
    payload: string,
    reference: string,
  ): Promise<void> => {
    if (!tokenExpired(subscriber.tokenExpiresAt, now())) {
      await post(sessionId, subscriber.connectionId, payload, reference);
      return;
    }
    await closeExpired(sessionId, subscriber.connectionId).catch((err: unknown) => {
      // Nothing was sent to it; the record is gone or goes with its TTL, and the gateway closes it at 2 h.
      options.logger.warn(
        { err, connectionId: subscriber.connectionId },
        'closing an expired connection failed',
      );
    });
  };

  const fanOut = async (envelope: EventEnvelope, subscribers: readonly Subscriber[]): Promise<void> => {
    if (subscribers.length === 0) return;
    const reference = JSON.stringify(truncatedEnvelope(envelope));
    const payload = pushPayload(envelope, maxBytes);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < subscribers.length) {
        const subscriber = subscribers[next++] as Subscriber;
        await deliver(envelope.sessionId, subscriber, payload, reference);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, subscribers.length) }, worker));
  };

  /** The version is read before the list, so a list can only be newer than its version claims. */
  const load = async (sessionId: string, version: number) => {
    const entry = { version, subscribers: await options.connections.subscribers(sessionId), loadedAt: now() };
    cache.set(sessionId, entry);
    return entry;
  };

  /** Appends conditioned on the cached list's version; a stale list is read again and the append retried. */
  const appendGuarded = async (
    event: NewEvent,
    versionOf: (sessionId: string) => Promise<number>,
  ): Promise<{ envelope: EventEnvelope; subscribers: readonly Subscriber[] }> => {
    const { sessionId } = event;
    let entry = cache.get(sessionId, now()) ?? (await load(sessionId, await versionOf(sessionId)));
    for (let attempt = 1; ; attempt++) {
      try {
        const envelope = await options.log.append(event, { subscriptionsVersion: entry.version });
        return { envelope, subscribers: entry.subscribers };
      } catch (err) {
        if (!(err instanceof SubscriptionsChangedError) || attempt >= FANOUT_LIMITS.subscriptionRetries)
          throw err;
        entry = await load(sessionId, err.current);
      }
    }
  };

  const append = async (event: NewEvent) => {
    const versionOf = options.log.subscriptionsVersion?.bind(options.log);
    if (versionOf) return appendGuarded(event, versionOf);
    // A log that counts no subscription changes: read the list after the append, every time.
    const envelope = await options.log.append(event);
    return { envelope, subscribers: await options.connections.subscribers(event.sessionId) };
  };

  const fanOutLater = (envelope: EventEnvelope, subscribers: readonly Subscriber[]): Promise<void> => {
    const { sessionId } = envelope;
    pending.set(sessionId, (pending.get(sessionId) ?? 0) + 1);
    return deliveries.run(sessionId, async () => {
      try {
        await fanOut(envelope, subscribers);
      } catch (err) {
        // The event is durable in the log; a client catches up by replaying from its last seq.
        options.logger.warn({ err, sessionId, seq: envelope.seq }, 'fan-out failed');
      } finally {
        const left = (pending.get(sessionId) ?? 1) - 1;
        if (left === 0) pending.delete(sessionId);
        else pending.set(sessionId, left);
      }
    });
  };

  const publish = (event: NewEvent): Promise<EventEnvelope> =>
    perSession.run(event.sessionId, async () => {
      const { envelope, subscribers } = await append(event);
      const delivered = fanOutLater(envelope, subscribers);
      if ((pending.get(event.sessionId) ?? 0) > maxPending) await delivered;
      return envelope;
    });

  return {
    publish,
    /** Every append and every fan-out queued so far has settled. */
    idle: async () => {
      await perSession.idle();
      await deliveries.idle();
    },
  };
}
