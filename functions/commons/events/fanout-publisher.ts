import type { Logger } from 'pino';
import { type EventEnvelope, type NewEvent, truncatedEnvelope } from '../domain/events.ts';
import { POST_TO_CONNECTION_FAILED_MESSAGE } from '../observability/metric-names.ts';
import { ThrottledError } from './api-gateway-poster.ts';
import type { ConnectionPoster, ConnectionStore, EventLog, EventPublisher } from './ports.ts';

export interface FanoutOptions {
  readonly log: EventLog;
  readonly connections: ConnectionStore;
  readonly poster: ConnectionPoster;
  readonly logger: Logger;
  /** Posts in flight per event. */
  readonly concurrency?: number;
  /** API Gateway's frame limit is 128 KB; stay under it. */
  readonly maxPayloadBytes?: number;
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const MAX_PAYLOAD = 128 * 1024 - 1024;

/**
 * Records every event in the session's log, then pushes it to the session's
 * subscribers. Publishes of one session are serialised, so each subscriber
 * receives events in `seq` order; a connection that answers 410 is removed.
 */
export function createFanoutPublisher(options: FanoutOptions): EventPublisher & { idle(): Promise<void> } {
  const concurrency = options.concurrency ?? 32;
  const maxBytes = options.maxPayloadBytes ?? MAX_PAYLOAD;
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelay = options.baseDelayMs ?? 50;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const chains = new Map<string, Promise<unknown>>();

  const postWithRetry = async (connectionId: string, payload: string, fallback: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await options.poster.post(connectionId, payload);
        if (result === 'gone') {
          await options.connections.removeConnection(connectionId);
          return;
        }
        // Only reachable if our own size estimate was wrong: fall back to the reference.
        if (result === 'too-large' && payload !== fallback) {
          payload = fallback;
          continue;
        }
        return;
      } catch (err) {
        if (!(err instanceof ThrottledError) || attempt >= maxAttempts) {
          options.logger.warn({ err, connectionId }, POST_TO_CONNECTION_FAILED_MESSAGE);
          return;
        }
        // Full jitter: spreads retries of a throttled burst.
        await sleep(random() * baseDelay * 2 ** attempt);
      }
    }
  };

  const fanOut = async (envelope: EventEnvelope): Promise<void> => {
    const subscribers = await options.connections.subscribers(envelope.sessionId);
    if (subscribers.length === 0) return;
    const reference = JSON.stringify(truncatedEnvelope(envelope));
    let payload = JSON.stringify(envelope);
    if (Buffer.byteLength(payload) > maxBytes) payload = reference;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < subscribers.length) {
        const connectionId = subscribers[next++] as string;
        await postWithRetry(connectionId, payload, reference);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, subscribers.length) }, worker));
  };

  const publish = (event: NewEvent): Promise<EventEnvelope> => {
    const previous = chains.get(event.sessionId) ?? Promise.resolve();
    const current = previous
      .catch(() => undefined)
      .then(async () => {
        const envelope = await options.log.append(event);
        await fanOut(envelope).catch((err: unknown) => {
          // The event is durable in the log; a client catches up by replaying from its last seq.
          options.logger.warn({ err, sessionId: event.sessionId, seq: envelope.seq }, 'fan-out failed');
        });
        return envelope;
      });
    chains.set(event.sessionId, current);
    current
      .finally(() => {
        if (chains.get(event.sessionId) === current) chains.delete(event.sessionId);
      })
      .catch(() => undefined);
    return current;
  };

  return {
    publish,
    idle: async () => {
      await Promise.allSettled([...chains.values()]);
    },
  };
}
