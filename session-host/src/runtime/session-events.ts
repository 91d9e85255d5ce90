import type { EventData } from '#commons/domain/event-payloads.ts';
import type { EventEnvelope, EventType, NewEvent } from '#commons/domain/events.ts';

export interface EventSink {
  push(event: NewEvent, critical: boolean): Promise<EventEnvelope>;
}

/** One session's events, typed by event type, queued in order through the host's EventQueues. */
export class SessionEvents {
  constructor(
    private readonly tenantId: string,
    private readonly sessionId: string,
    private readonly sink: EventSink,
  ) {}

  /** Queued behind earlier events; the queue retries, counts and logs what fails. */
  publish<T extends EventType>(type: T, data: EventData<T>): void {
    this.sink.push(this.event(type, data), false).catch(() => undefined);
  }

  /** An event that must not be lost (a message): the caller learns when it is in the log, or that it is not. */
  record<T extends EventType>(type: T, data: EventData<T>, eventId: string): Promise<EventEnvelope> {
    return this.sink.push(this.event(type, data, eventId), true);
  }

  private event<T extends EventType>(type: T, data: EventData<T>, eventId?: string): NewEvent {
    return { type, tenantId: this.tenantId, sessionId: this.sessionId, data, ...(eventId && { eventId }) };
  }
}
