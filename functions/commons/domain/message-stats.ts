/**
 * Messages in and out per tenant and minute, counted from the event log's
 * stream (never on the message path itself). Pure: what counts, and how a
 * batch of events folds into one increment per (tenant, minute).
 */
import { SESSION_STATUSES, type SessionStatus } from './session-status.ts';

/** The overview shows this many whole minutes, the current one last. */
export const STATS_WINDOW_MINUTES = 60;
/** Counter items outlive the window by an hour, then DynamoDB's TTL removes them. */
export const STATS_ITEM_TTL_SECONDS = 2 * 60 * 60;
/**
 * The key under which every tenant's counts are summed as well (MASTER's
 * "all tenants" view). No tenant id can take it: they match [A-Za-z0-9_-].
 */
export const ALL_TENANTS = '*';
/** Session records read at most per overview; past it the answer says `complete: false`. */
export const MAX_STATS_SESSIONS = 10_000;

/** The fields of an appended event the counting reads. */
export interface CountableEvent {
  readonly tenantId: string;
  readonly type: string;
  /** ISO-8601 time the event was recorded. */
  readonly at: string;
  readonly fromMe?: boolean | undefined;
  readonly status?: string | undefined;
}

export type Direction = 'in' | 'out';

/**
 * In: a contact's message (`session:message`, not ours). Out: a queued send
 * the host reports SENT, or a message the account sent from another device
 * (a `session:message` of ours). Sync sends (`mode: "sync"`) leave no event
 * of their own in the log, so they are not counted.
 */
export function directionOf(event: CountableEvent): Direction | undefined {
  if (event.type === 'session:message') return event.fromMe === true ? 'out' : 'in';
  if (event.type === 'session:message-status' && event.status === 'SENT' && event.fromMe === true)
    return 'out';
  return undefined;
}

/** Whole minutes since the epoch. */
export function minuteOf(epochMs: number): number {
  return Math.floor(epochMs / 60_000);
}

export interface StatsIncrement {
  /** A tenant id, or ALL_TENANTS. */
  readonly scope: string;
  readonly minute: number;
  readonly in: number;
  readonly out: number;
}

/** One increment per (tenant, minute) with anything to count, plus the same sums under ALL_TENANTS. */
export function foldIncrements(events: readonly CountableEvent[]): StatsIncrement[] {
  const sums = new Map<string, { scope: string; minute: number; in: number; out: number }>();
  const add = (scope: string, minute: number, direction: Direction): void => {
    const key = `${scope}\u0000${minute}`;
    let sum = sums.get(key);
    if (!sum) {
      sum = { scope, minute, in: 0, out: 0 };
      sums.set(key, sum);
    }
    sum[direction] += 1;
  };
  for (const event of events) {
    const direction = directionOf(event);
    const at = Date.parse(event.at);
    if (!direction || Number.isNaN(at)) continue;
    add(event.tenantId, minuteOf(at), direction);
    add(ALL_TENANTS, minuteOf(at), direction);
  }
  return [...sums.values()];
}

export interface MinuteCount {
  readonly minute: number;
  readonly in: number;
  readonly out: number;
}

/** The window ending with `nowMinute`, oldest first, a zero for every minute nothing was counted. */
export function fillWindow(
  counts: readonly MinuteCount[],
  nowMinute: number,
  minutes = STATS_WINDOW_MINUTES,
): MinuteCount[] {
  const byMinute = new Map(counts.map((c) => [c.minute, c]));
  const out: MinuteCount[] = [];
  for (let m = nowMinute - minutes + 1; m <= nowMinute; m++) {
    const c = byMinute.get(m);
    out.push({ minute: m, in: c?.in ?? 0, out: c?.out ?? 0 });
  }
  return out;
}

export type StatusCounts = Record<SessionStatus, number>;

export function emptyStatusCounts(): StatusCounts {
  return Object.fromEntries(SESSION_STATUSES.map((s) => [s, 0])) as StatusCounts;
}

/** Per-minute message counters. The DynamoDB adapter is DynamoDbMessageStats. */
export interface MessageStatsStore {
  /** Adds each increment to its (scope, minute) counter, which expires STATS_ITEM_TTL_SECONDS after its minute. */
  add(increments: readonly StatsIncrement[]): Promise<void>;
  /** Counters of `scope` (a tenant or ALL_TENANTS) from `fromMinute` to `toMinute`, both included. */
  read(scope: string, fromMinute: number, toMinute: number): Promise<MinuteCount[]>;
}

/** Sessions by status. The DynamoDB adapter is DynamoDbSessionStatusCounts. */
export interface SessionStatusCounter {
  /** Reads at most `max` session records of `scope` (a tenant or ALL_TENANTS). */
  count(scope: string, max: number): Promise<{ readonly counts: StatusCounts; readonly complete: boolean }>;
}
