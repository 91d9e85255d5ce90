import {
  type CountableEvent,
  foldIncrements,
  type MessageStatsStore,
} from '#commons/domain/message-stats.ts';
import type { Logger } from '#commons/logging/logger.ts';
import { EVENT_LOG_ITEMS } from '#commons/storage/tables.ts';

/** EMF metric (webhook namespace) of increments a failed counter write lost. */
export const MESSAGE_STATS_LOST_METRIC = 'MessageStatsIncrementsLost';

type Attr = { S?: string; N?: string; BOOL?: boolean; M?: Record<string, Attr | undefined> } | undefined;

/** The part of a stream record the counting reads (the events table's new image, as DynamoDB JSON). */
export interface CountableRecord {
  readonly eventName?: string | undefined;
  readonly dynamodb?: { readonly NewImage?: Record<string, Attr> | undefined } | undefined;
}

/** Appended message events among stream records, with what decides their direction. */
export function countableEvents(records: readonly CountableRecord[]): CountableEvent[] {
  const out: CountableEvent[] = [];
  for (const r of records) {
    if (r.eventName !== 'INSERT') continue;
    const image = r.dynamodb?.NewImage;
    const tenantId = image?.tenantId?.S;
    const type = image?.type?.S;
    const at = image?.at?.S;
    if (!tenantId || !type || !at || !(Number(image?.seq?.N) > EVENT_LOG_ITEMS.counterSeq)) continue;
    const data = image?.data?.M;
    out.push({ tenantId, type, at, fromMe: data?.fromMe?.BOOL, status: data?.status?.S });
  }
  return out;
}

/**
 * Adds a stream batch's messages to the per-minute counters. Runs after the
 * batch's webhook work was marked, and never fails the batch: a retried
 * batch would count its messages twice. A failed write is logged with how
 * many increments it lost and reported to `onLost` (a metric in Lambda).
 */
export async function countMessages(
  store: MessageStatsStore,
  records: readonly CountableRecord[],
  log: Logger,
  onLost?: (increments: number) => void,
): Promise<void> {
  const increments = foldIncrements(countableEvents(records));
  if (increments.length === 0) return;
  try {
    await store.add(increments);
  } catch (err) {
    log.error({ err, increments: increments.length }, 'message stats count failed');
    onLost?.(increments.length);
  }
}
