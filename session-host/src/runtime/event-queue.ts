import type { Logger } from 'pino';
import type { EventEnvelope, NewEvent } from '#commons/domain/events.ts';
import type { EventPublisher } from '#commons/events/ports.ts';
import type { HostMetrics } from '../metrics.ts';

/**
 * Bounds of the per-session event queue (README "Limits"). A message event is
 * retried until the log takes it; other events (status, QR) give up after
 * `otherAttempts`, since the session record holds their state anyway.
 */
export const EVENT_QUEUE_LIMITS = {
  /** Events waiting per session; past it a message is refused and its socket closed (WhatsApp redelivers). */
  maxPerSession: 1_000,
  otherAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
} as const;

export type EventQueueLimits = { readonly [K in keyof typeof EVENT_QUEUE_LIMITS]: number };

export class EventQueueFullError extends Error {
  override readonly name = 'EventQueueFullError';
}

export class EventDroppedError extends Error {
  override readonly name = 'EventDroppedError';
}

interface Item {
  readonly event: NewEvent;
  /** A message event: never dropped while the host lives. */
  readonly critical: boolean;
  readonly since: number;
  readonly resolve: (envelope: EventEnvelope) => void;
  readonly reject: (err: Error) => void;
}

export interface EventQueueDeps {
  readonly publisher: EventPublisher;
  readonly metrics: HostMetrics;
  readonly logger: Logger;
  readonly limits?: EventQueueLimits;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * One session's events, appended to the log strictly in order: the head is
 * retried with exponential backoff and full jitter before the next is tried,
 * so `seq` order is publish order even across a storage outage.
 */
export class SessionEventQueue {
  private readonly items: Item[] = [];
  private running = false;
  private readonly limits: EventQueueLimits;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly sessionId: string,
    private readonly deps: EventQueueDeps,
    private readonly onDrained: () => void = () => undefined,
  ) {
    this.limits = deps.limits ?? EVENT_QUEUE_LIMITS;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = deps.now ?? Date.now;
  }

  get depth(): number {
    return this.items.length;
  }

  /** Since when the oldest waiting event waits (ms epoch), if any. */
  get oldestSince(): number | undefined {
    return this.items[0]?.since;
  }

  push(event: NewEvent, critical: boolean): Promise<EventEnvelope> {
    if (this.items.length >= this.limits.maxPerSession) {
      this.deps.metrics.eventQueueOverflows.inc();
      return Promise.reject(
        new EventQueueFullError(`more than ${this.limits.maxPerSession} events wait for ${this.sessionId}`),
      );
    }
    return new Promise((resolve, reject) => {
      this.items.push({ event, critical, since: this.now(), resolve, reject });
      this.deps.metrics.eventQueueDepth.inc();
      if (!this.running) void this.run();
    });
  }

  /** Resolves when nothing waits (used by drain and shutdown). */
  idle(): Promise<void> {
    if (this.items.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.items.length > 0) {
      const head = this.items[0] as Item;
      const outcome = await this.publishHead(head);
      this.items.shift();
      this.deps.metrics.eventQueueDepth.inc(-1);
      if (outcome instanceof Error) head.reject(outcome);
      else head.resolve(outcome);
    }
    this.running = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    this.onDrained();
  }

  private async publishHead(item: Item): Promise<EventEnvelope | Error> {
    const random = this.deps.random ?? Math.random;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.publisher.publish(item.event);
      } catch (err) {
        this.deps.metrics.publishErrors.inc();
        const giveUp = !item.critical && attempt >= this.limits.otherAttempts;
        this.deps.logger.error(
          { err, sessionId: this.sessionId, type: item.event.type, attempt, giveUp },
          'event append failed',
        );
        if (giveUp) {
          this.deps.metrics.eventsDropped.inc();
          return new EventDroppedError(`${item.event.type} for ${this.sessionId} not recorded`, {
            cause: err,
          });
        }
        const cap = Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** (attempt - 1));
        await this.sleep(random() * cap);
      }
    }
  }
}

/**
 * Every session's queue on this host, created on demand and forgotten once
 * drained (so a host keeps no map entry for a session it no longer runs). It
 * is also the publisher the host's other parts use, so all of a session's
 * events share one order.
 */
export class EventQueues implements EventPublisher {
  private readonly queues = new Map<string, SessionEventQueue>();
  private readonly now: () => number;

  constructor(private readonly deps: EventQueueDeps) {
    this.now = deps.now ?? Date.now;
  }

  push(event: NewEvent, critical: boolean): Promise<EventEnvelope> {
    let queue = this.queues.get(event.sessionId);
    if (!queue) {
      const created = new SessionEventQueue(event.sessionId, this.deps, () => {
        if (this.queues.get(event.sessionId) === created && created.depth === 0)
          this.queues.delete(event.sessionId);
      });
      queue = created;
      this.queues.set(event.sessionId, created);
    }
    return queue.push(event, critical);
  }

  publish(event: NewEvent): Promise<EventEnvelope> {
    return this.push(event, false);
  }

  /** What waits, and how long the oldest has waited: /readyz reports a backlog. */
  backlog(): { readonly sessions: number; readonly depth: number; readonly oldestAgeMs: number } {
    let depth = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const queue of this.queues.values()) {
      depth += queue.depth;
      oldest = Math.min(oldest, queue.oldestSince ?? Number.POSITIVE_INFINITY);
    }
    return {
      sessions: this.queues.size,
      depth,
      oldestAgeMs: Number.isFinite(oldest) ? this.now() - oldest : 0,
    };
  }

  /** Resolves when every queue has drained, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all([...this.queues.values()].map((q) => q.idle())), timeout]);
    clearTimeout(timer);
  }
}
