import type { SessionRecord } from '../domain/session-record.ts';

/**
 * The sessions table's item codec, shared by its two adapters (API role:
 * DynamoDbSessionRepository; host role: DynamoDbSessionOwnership). Items are
 * stored as the record itself; this is the one place that says so.
 */
export type SessionItem = Record<string, unknown>;

export function sessionKey(sessionId: string): { sessionId: string } {
  return { sessionId };
}

export function decodeSessionItem<R extends SessionRecord = SessionRecord>(
  item: SessionItem | undefined,
): R | undefined {
  return item as R | undefined;
}

export function decodeSessionItems<R extends SessionRecord = SessionRecord>(
  items: readonly SessionItem[] | undefined,
): R[] {
  return (items ?? []) as R[];
}
