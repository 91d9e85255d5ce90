import type { EventEnvelope, NewEvent } from '../domain/events.ts';
import type { AppendGuard } from './subscriptions-version.ts';

/** Durable, per-session, gap-free log of every published event. */
export interface EventLog {
  /**
   * Appends and returns the event with its position. With a guard, only if
   * the session's subscriptions are still at that version; otherwise it
   * throws SubscriptionsChangedError and appends nothing.
   */
  append(event: NewEvent, guard?: AppendGuard): Promise<EventEnvelope>;
  /**
   * The session's subscriptions version, to read before its subscribers. A
   * log without it gives no guard, and the publisher queries subscribers per event.
   */
  subscriptionsVersion?(sessionId: string): Promise<number>;
  /**
   * Events with seq > `after`, oldest first, at most `limit`. With `maxBytes`
   * it stops reading once the events read reach that size (it may return up
   * to one storage page more: the caller trims to its exact bound).
   */
  after(sessionId: string, after: number, limit: number, options?: ReadOptions): Promise<EventEnvelope[]>;
  /** The highest seq ever given out for the session (0: none), whatever TTL has deleted. */
  lastSeq(sessionId: string): Promise<number>;
  /** The session is gone: its seq counter expires with the log instead of staying forever. */
  retire(sessionId: string): Promise<void>;
}

export interface ReadOptions {
  readonly maxBytes?: number;
}

export interface ConnectionRecord {
  readonly connectionId: string;
  readonly tenantId: string;
  readonly role: string;
  readonly subject?: string | undefined;
  readonly connectedAt: number;
  /** Epoch seconds when the token the connection was opened with expires; no action or event after it. */
  readonly tokenExpiresAt?: number | undefined;
}

/** A live subscription as fan-out sees it. */
export interface Subscriber {
  readonly connectionId: string;
  /** The connection's token expiry (epoch seconds), copied onto the subscription. */
  readonly tokenExpiresAt?: number | undefined;
}

/** Outcome of counting one subscribe-with-replay against the connection's rate. */
export type ReplayAllowance =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfter: number };

/** WebSocket connections and their per-session subscriptions. */
export interface ConnectionStore {
  putConnection(connection: ConnectionRecord): Promise<void>;
  getConnection(connectionId: string): Promise<ConnectionRecord | undefined>;
  /** Removes the connection and every subscription it holds. */
  removeConnection(connectionId: string): Promise<void>;
  /** Subscribes until the connection's token expires (`tokenExpiresAt`, epoch seconds). */
  subscribe(sessionId: string, connectionId: string, tokenExpiresAt?: number): Promise<void>;
  unsubscribe(sessionId: string, connectionId: string): Promise<void>;
  /** Live subscribers of a session (expired records filtered out). */
  subscribers(sessionId: string): Promise<Subscriber[]>;
  /**
   * Counts one subscribe-with-replay against the connection's rate, on the
   * connection record (so it holds across Lambda instances).
   */
  takeReplay(connectionId: string): Promise<ReplayAllowance>;
}

export type PostResult = 'sent' | 'gone' | 'too-large';

/** Pushes one payload to one WebSocket connection (PostToConnection), or closes it (DeleteConnection). */
export interface ConnectionPoster {
  post(connectionId: string, payload: string): Promise<PostResult>;
  /**
   * Closes the connection; one that is already gone is not an error. Optional
   * for fakes: without it an expired connection is only told and forgotten.
   */
  close?(connectionId: string): Promise<void>;
}

/** The port session hosts (and the API) use to emit events. */
export interface EventPublisher {
  publish(event: NewEvent): Promise<EventEnvelope>;
}
