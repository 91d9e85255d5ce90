import type { Subscriber } from './ports.ts';

/**
 * Bounds of a publisher's per-session subscriber cache. Correctness does not
 * rest on either: a new subscriber is seen through the subscriptions version
 * (subscriptions-version.ts). The age bounds how long a subscription that
 * ended without a bump (TTL, a connection closed by the gateway) is still
 * posted to, which costs one 410 and no event.
 */
export const SUBSCRIBER_CACHE_LIMITS = {
  /** Sessions whose subscribers one publisher keeps; the least recently published is dropped first. */
  maxSessions: 10_000,
  /** A list older than this is read again before the next append. */
  maxAgeMs: 60_000,
} as const;

export interface CachedSubscribers {
  /** The subscriptions version read before the list. */
  readonly version: number;
  readonly subscribers: readonly Subscriber[];
  readonly loadedAt: number;
}

/** Least recently used first, by Map insertion order. */
export class SubscriberCache {
  readonly #entries = new Map<string, CachedSubscribers>();

  constructor(private readonly limits: { maxSessions: number; maxAgeMs: number } = SUBSCRIBER_CACHE_LIMITS) {}

  get size(): number {
    return this.#entries.size;
  }

  get(sessionId: string, nowMs: number): CachedSubscribers | undefined {
    const entry = this.#entries.get(sessionId);
    if (!entry) return undefined;
    this.#entries.delete(sessionId);
    if (nowMs - entry.loadedAt >= this.limits.maxAgeMs) return undefined;
    this.#entries.set(sessionId, entry);
    return entry;
  }

  set(sessionId: string, entry: CachedSubscribers): void {
    this.#entries.delete(sessionId);
    this.#entries.set(sessionId, entry);
    while (this.#entries.size > this.limits.maxSessions) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** A connection found gone is not posted to again, whatever the version says. */
  drop(sessionId: string, connectionId: string): void {
    const entry = this.#entries.get(sessionId);
    if (!entry) return;
    this.#entries.set(sessionId, {
      ...entry,
      subscribers: entry.subscribers.filter((s) => s.connectionId !== connectionId),
    });
  }
}
