/**
 * A publisher may cache a session's subscribers only because every change to
 * them is counted on the session's event-log counter item: subscribe and
 * unsubscribe bump this attribute, and an append that carries the version its
 * cache was read at is conditioned on it in the same transaction that takes
 * the event's seq. So an event is either appended before a subscribe's bump
 * (and the subscriber's replay or `lastSeq` covers it) or after it, when the
 * stale cache fails the append and is read again: no subscriber misses an
 * event by subscribing while a host holds an old list.
 */
export const SUBSCRIPTIONS_VERSION_ATTRIBUTE = 'subsVersion';

/** The append's condition on the subscriptions version failed: the caller's subscriber list is stale. */
export class SubscriptionsChangedError extends Error {
  override readonly name = 'SubscriptionsChangedError';

  constructor(
    readonly sessionId: string,
    /** The version read back with the counter, before any subscriber query the caller makes next. */
    readonly current: number,
  ) {
    super(`the subscriptions of ${sessionId} changed (now version ${current})`);
  }
}

/** What the append is conditioned on besides its seq. */
export interface AppendGuard {
  readonly subscriptionsVersion: number;
}
