import type { EventEnvelope, NewEvent } from '../domain/events.ts';

/** Durable, per-session, gap-free log of every published event. */
export interface EventLog {
  /** Appends and returns the event with its position. */
  append(event: NewEvent): Promise<EventEnvelope>;
  /** Events with seq > `after`, oldest first, at most `limit`. */
  after(sessionId: string, after: number, limit: number): Promise<EventEnvelope[]>;
  lastSeq(sessionId: string): Promise<number>;
}

export interface ConnectionRecord {
  readonly connectionId: string;
  readonly tenantId: string;
  readonly role: string;
  readonly subject?: string | undefined;
  readonly connectedAt: number;
}

/** WebSocket connections and their per-session subscriptions. */
export interface ConnectionStore {
  putConnection(connection: ConnectionRecord): Promise<void>;
  getConnection(connectionId: string): Promise<ConnectionRecord | undefined>;
  /** Removes the connection and every subscription it holds. */
  removeConnection(connectionId: string): Promise<void>;
  subscribe(sessionId: string, connectionId: string): Promise<void>;
  unsubscribe(sessionId: string, connectionId: string): Promise<void>;
  /** Live subscribers of a session (expired records filtered out). */
  subscribers(sessionId: string): Promise<string[]>;
}

export type PostResult = 'sent' | 'gone' | 'too-large';

/** Pushes one payload to one WebSocket connection (PostToConnection). */
export interface ConnectionPoster {
  post(connectionId: string, payload: string): Promise<PostResult>;
}

/** The port session hosts (and the API) use to emit events. */
export interface EventPublisher {
  publish(event: NewEvent): Promise<EventEnvelope>;
}
