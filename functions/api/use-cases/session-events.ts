import type { Principal } from '#commons/auth/principal.ts';
import {
  boundedPage,
  EVENT_PAGE_MAX_BYTES,
  type EventEnvelope,
  responseBytes,
} from '#commons/domain/events.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { loadVisibleSession } from './session-access.ts';

export interface ReadEventsInput {
  /** Events with a seq above this one; 0 reads from the start. */
  readonly after: number;
  readonly limit: number;
}

export interface EventPage {
  readonly events: readonly EventEnvelope[];
  /** The log's end when it was read: never below the seq of any event on the page. */
  readonly lastSeq: number;
  /** The `after` to ask for the next page; absent when this page reached the end. */
  readonly next?: number | undefined;
}

/**
 * A page of a session's event log, oldest first, for replay after a reconnect
 * or a truncated push: at most `limit` events and EVENT_PAGE_MAX_BYTES of
 * them as they sit in the Lambda response; the first event is always whole.
 */
export async function readSessionEvents(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  input: ReadEventsInput,
): Promise<EventPage> {
  const session = await loadVisibleSession(deps, principal, sessionId);
  // One more than asked tells whether another page exists without a second read.
  const read = await deps.events.after(session.sessionId, input.after, input.limit + 1, {
    maxBytes: EVENT_PAGE_MAX_BYTES,
  });
  const { events, more } = boundedPage(read, input.limit, EVENT_PAGE_MAX_BYTES, responseBytes);
  const last = events.at(-1);
  const logEnd = await deps.events.lastSeq(session.sessionId);
  // The end is read after the page (and eventually consistently), so it may lag the page itself.
  const lastSeq = Math.max(logEnd, last?.seq ?? 0);
  return { events, lastSeq, ...(more && last && { next: last.seq }) };
}
