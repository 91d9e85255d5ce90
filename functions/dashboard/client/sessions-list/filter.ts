import type { SessionView } from './session-types.ts';

/** Rows whose name (or id) holds `search`, case-insensitively, and whose status is `status` when set. */
export function filterSessions(
  sessions: readonly SessionView[],
  search: string,
  status: string | undefined,
): SessionView[] {
  const needle = search.trim().toLowerCase();
  return sessions.filter(
    (s) =>
      (!status || s.status === status) &&
      (!needle || (s.name ?? '').toLowerCase().includes(needle) || s.id.toLowerCase().includes(needle)),
  );
}

/** A live `session:status` event applied to the row it names. */
export function applyStatus(
  sessions: readonly SessionView[],
  sessionId: string,
  status: string,
  reason: SessionView['statusReason'] | undefined,
): SessionView[] {
  return sessions.map((s) =>
    s.id === sessionId
      ? { ...s, status, ...(reason ? { statusReason: reason } : { statusReason: undefined }) }
      : s,
  );
}

/**
 * The status an event tells of: `session:status` carries it; a logout or a
 * link may arrive as its own event type before (or instead of) a status event.
 */
export function statusFromEvent(
  type: string,
  data: Record<string, unknown>,
): { status: string; reason?: SessionView['statusReason'] } | undefined {
  if (type === 'session:status' && typeof data.status === 'string')
    return {
      status: data.status,
      ...(data.reason !== undefined && { reason: data.reason as SessionView['statusReason'] }),
    };
  if (type === 'session:logged-out') return { status: 'LOGGED_OUT' };
  if (type === 'session:connected') return { status: 'CONNECTED' };
  return undefined;
}
