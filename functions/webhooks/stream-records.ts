import { EVENT_LOG_ITEMS } from '#commons/storage/tables.ts';
import type { AppendedEvent } from '#commons/webhooks/webhook-dispatcher.ts';

/** The part of a DynamoDB Stream record (Lambda event or GetRecords) the dispatcher reads. */
export interface StreamRecordLike {
  readonly eventName?: string | undefined;
  readonly dynamodb?:
    | { readonly NewImage?: Record<string, { S?: string; N?: string } | undefined> | undefined }
    | undefined;
}

/** Appended events among stream records of the events table: counter items and once-only markers are not events. */
export function appendedEvents(records: readonly StreamRecordLike[]): AppendedEvent[] {
  const out: AppendedEvent[] = [];
  for (const r of records) {
    if (r.eventName !== 'INSERT') continue;
    const image = r.dynamodb?.NewImage;
    const sessionId = image?.sessionId?.S;
    const seq = Number(image?.seq?.N);
    const tenantId = image?.tenantId?.S;
    if (!sessionId || !tenantId || !(seq > EVENT_LOG_ITEMS.counterSeq)) continue;
    if (sessionId.startsWith(EVENT_LOG_ITEMS.markerPrefix)) continue;
    out.push({ tenantId, sessionId });
  }
  return out;
}
