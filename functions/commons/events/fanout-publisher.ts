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

export interface FanoutOptions {
  readonly log: EventLog;
  readonly connections: ConnectionStore;
  readonly poster: ConnectionPoster;
  readonly logger: Logger;
  /** Posts in flight per event. */
  readonly concurrency?: number;
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
 * subscribers. Publishes of one session are serialised, so each subscriber
 * receives events in `seq` order; a connection that answers 410 is removed.
 */
export function createFanoutPublisher(options: FanoutOptions): EventPublisher & { idle(): Promise<void> } {
  const concurrency = options.concurrency ?? 32;
  const maxBytes = options.maxPayloadBytes ?? MAX_PUSH_BYTES;
  const now = options.now ?? Date.now;
  const perSession = new KeyedSerialQueue();

  /**
   * Throttling is retried inside the poster's client (managementClientConfig):
   * a post that still fails here has used its attempts, and the event stays
   * in the log for the client's replay.
   */
  const post = async (connectionId: string, payload: string, reference: string): Promise<void> => {
    try {
      let result = await options.poster.post(connectionId, payload);
      // Only reachable if our own size estimate was wrong: fall back to the reference.
      if (result === 'too-large' && payload !== reference)
        result = await options.poster.post(connectionId, reference);
      if (result === 'gone') await options.connections.removeConnection(connectionId);
    } catch (err) {
      options.logger.warn({ err, connectionId }, POST_TO_CONNECTION_FAILED_MESSAGE);
    }
  };

  /**
   * An idle connection sends no action that could be refused, so fan-out is
   * where its expired token is noticed: tell it why, then close it.
   */
  const closeExpired = async (connectionId: string): Promise<void> => {
    try {
      await options.poster.post(connectionId, JSON.stringify(TOKEN_EXPIRED_NOTICE));
      await options.poster.close?.(connectionId);
    } finally {
      await options.connections.removeConnection(connectionId);
    }
  };

  const deliver = async (subscriber: Subscriber, payload: string, reference: string): Promise<void> => {
    if (!tokenExpired(subscriber.tokenExpiresAt, now())) {
      await post(subscriber.connectionId, payload, reference);
      return;
    }
    await closeExpired(subscriber.connectionId).catch((err: unknown) => {
      // Nothing was sent to it; the record is gone or goes with its TTL, and the gateway closes it at 2 h.
      options.logger.warn(
        { err, connectionId: subscriber.connectionId },
        'closing an expired connection failed',
      );
    });
  };

  const fanOut = async (envelope: EventEnvelope): Promise<void> => {
    const subscribers = await options.connections.subscribers(envelope.sessionId);
    if (subscribers.length === 0) return;
    const reference = JSON.stringify(truncatedEnvelope(envelope));
    const payload = pushPayload(envelope, maxBytes);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < subscribers.length) {
        const subscriber = subscribers[next++] as Subscriber;
        await deliver(subscriber, payload, reference);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, subscribers.length) }, worker));
  };

  const publish = (event: NewEvent): Promise<EventEnvelope> =>
    perSession.run(event.sessionId, async () => {
      const envelope = await options.log.append(event);
      await fanOut(envelope).catch((err: unknown) => {
        // The event is durable in the log; a client catches up by replaying from its last seq.
        options.logger.warn({ err, sessionId: event.sessionId, seq: envelope.seq }, 'fan-out failed');
      });
      return envelope;
    });

  return {
    publish,
    idle: () => perSession.idle(),
  };
}
