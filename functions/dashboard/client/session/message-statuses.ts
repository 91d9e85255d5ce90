import type { SessionEvent } from './types.ts';

/** Sent messages tracked on the page, newest first. */
export const TRACKED_MESSAGES_LIMIT = 50;

/**
 * How far a message got. A status never moves back: the send's 202 (QUEUED)
 * can arrive after the live `SENT` event, and receipts can race each other.
 * FAILED ranks with SENT, so it replaces QUEUED/SENDING but not a receipt.
 */
const RANK: Record<string, number> = {
  QUEUED: 1,
  SENDING: 2,
  SENT: 3,
  FAILED: 3,
  SERVER_ACK: 4,
  DELIVERED: 5,
  READ: 6,
  PLAYED: 7,
};

export interface TrackedMessage {
  readonly id: string;
  readonly to: string;
  /** What was sent, as the user typed or picked it (text, or kind and file name). */
  readonly summary: string;
  readonly status: string;
  readonly error?: { code: string; message: string };
}

export function trackSent(
  list: readonly TrackedMessage[],
  sent: { id: string; to: string; summary: string; status: string },
): TrackedMessage[] {
  // Its live status can come before the send's own answer: keep the further status.
  const known = list.find((m) => m.id === sent.id);
  if (known)
    return list.map((m) =>
      m.id === sent.id ? { ...m, to: sent.to, summary: sent.summary, ...moveStatus(m, sent.status) } : m,
    );
  return [sent, ...list].slice(0, TRACKED_MESSAGES_LIMIT);
}

function moveStatus(
  message: TrackedMessage,
  status: string,
  error?: { code: string; message: string },
): Pick<TrackedMessage, 'status' | 'error'> {
  const before = RANK[message.status] ?? 0;
  const after = RANK[status] ?? 0;
  if (after <= before) return { status: message.status, ...(message.error && { error: message.error }) };
  return { status, ...(error && { error }) };
}

/**
 * Applies a `session:message-status` event of a message the session sent. One
 * not yet tracked (sent by another client, or whose send has not answered yet)
 * is added with what the event says.
 */
export function applyStatusEvent(list: readonly TrackedMessage[], event: SessionEvent): TrackedMessage[] {
  if (event.type !== 'session:message-status') return [...list];
  const { id, status, error, chat, fromMe } = event.data as {
    id?: unknown;
    status?: unknown;
    chat?: unknown;
    fromMe?: unknown;
    error?: { code: string; message: string };
  };
  if (typeof id !== 'string' || typeof status !== 'string' || fromMe !== true) return [...list];
  if (list.some((m) => m.id === id))
    return list.map((m) => (m.id === id ? { ...m, ...moveStatus(m, status, error) } : m));
  const added: TrackedMessage = {
    id,
    to: typeof chat === 'string' ? chat : '',
    summary: '',
    status,
    ...(error && { error }),
  };
  return [added, ...list].slice(0, TRACKED_MESSAGES_LIMIT);
}
