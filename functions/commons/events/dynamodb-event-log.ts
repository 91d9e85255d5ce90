import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { EVENT_VERSION, type EventEnvelope, envelopeBytes, type NewEvent } from '../domain/events.ts';
import { EVENT_LOG_ITEMS } from '../storage/tables.ts';
import type { EventLog, ReadOptions } from './ports.ts';
import {
  type AppendGuard,
  SUBSCRIPTIONS_VERSION_ATTRIBUTE,
  SubscriptionsChangedError,
} from './subscriptions-version.ts';

export class EventLogConflictError extends Error {
  override readonly name = 'EventLogConflictError';
}

interface Options {
  readonly table: string;
  readonly ttlSeconds: number;
  readonly now?: () => number;
}

const MAX_ATTEMPTS = 8;

/**
 * Per-session log in the events table (PK sessionId, SK seq). The session's
 * last seq lives in a counter item (seq 0) that has no expiry: TTL deletes
 * events, and a counter derived from the newest event would start again at 1
 * once an idle session's log expired, so resuming clients would drop every
 * new event. A position is taken by moving the counter from its current value
 * in the same transaction as the event's put, so two writers never share a
 * seq and none is skipped; an event with a caller-chosen id is appended at
 * most once (a marker item in the same transaction), which makes a
 * redelivered WhatsApp message one event.
 */
export class DynamoDbEventLog implements EventLog {
  private readonly next = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly options: Options,
  ) {
    this.now = options.now ?? Date.now;
  }

  async append(event: NewEvent, guard?: AppendGuard): Promise<EventEnvelope> {
    const eventId = event.eventId ?? randomUUID();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const seq = this.next.get(event.sessionId) ?? (await this.lastSeq(event.sessionId)) + 1;
      const at = new Date(this.now()).toISOString();
      const envelope: EventEnvelope = {
        v: EVENT_VERSION,
        type: event.type,
        sessionId: event.sessionId,
        seq,
        eventId,
        at,
        data: event.data as Record<string, unknown>,
      };
      const expiresAt = Math.floor(this.now() / 1000) + this.options.ttlSeconds;
      const previous = seq - 1;
      const items = [
        {
          Update: {
            TableName: this.options.table,
            Key: counterKey(event.sessionId),
            UpdateExpression: 'SET #last = :seq, tenantId = :tenant',
            ...counterCondition(previous, guard),
            ExpressionAttributeValues: {
              ':seq': seq,
              ':tenant': event.tenantId,
              ...(previous !== 0 && { ':previous': previous }),
              ...(guard && guard.subscriptionsVersion !== 0 && { ':subs': guard.subscriptionsVersion }),
            },
          },
        },
        {
          Put: {
            TableName: this.options.table,
            Item: { ...envelope, tenantId: event.tenantId, expiresAt },
            ConditionExpression: 'attribute_not_exists(seq)',
          },
        },
      ] as NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
      if (event.eventId) {
        items.push({
          Put: {
            TableName: this.options.table,
            Item: { ...markerKey(event.sessionId, eventId), ref: seq, expiresAt },
            ConditionExpression: 'attribute_not_exists(seq)',
          },
        });
      }
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
        this.next.set(event.sessionId, seq + 1);
        return envelope;
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const [counterReason, seqReason, markerReason] = err.CancellationReasons ?? [];
        if (markerReason?.Code === 'ConditionalCheckFailed') {
          const existing = await this.byEventId(event.sessionId, eventId);
          if (existing) return existing;
        }
        const conflict = [counterReason, seqReason, markerReason].some(
          (r) => r?.Code === 'ConditionalCheckFailed' || r?.Code === 'TransactionConflict',
        );
        if (!conflict) throw err;
        // Someone else took this position, or changed the subscriptions: read the counter again.
        const counter = await this.readCounter(event.sessionId);
        this.next.set(event.sessionId, counter.lastSeq + 1);
        if (guard && counter.subscriptionsVersion !== guard.subscriptionsVersion)
          throw new SubscriptionsChangedError(event.sessionId, counter.subscriptionsVersion);
      }
    }
    throw new EventLogConflictError(`could not append to the event log of ${event.sessionId}`);
  }

  async after(
    sessionId: string,
    after: number,
    limit: number,
    options: ReadOptions = {},
  ): Promise<EventEnvelope[]> {
    const out: EventEnvelope[] = [];
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    let bytes = 0;
    let start: Record<string, unknown> | undefined;
    const nowSeconds = Math.floor(this.now() / 1000);
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.options.table,
          KeyConditionExpression: 'sessionId = :s AND seq > :after',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: {
            ':s': sessionId,
            // Never below the counter item: it is not an event.
            ':after': Math.max(after, EVENT_LOG_ITEMS.counterSeq),
            ':now': nowSeconds,
          },
          Limit: Math.min(limit - out.length, 500),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const envelope = toEnvelope(item);
        out.push(envelope);
        bytes += envelopeBytes(envelope);
      }
      start = page.LastEvaluatedKey;
    } while (start && out.length < limit && bytes < maxBytes);
    return out;
  }

  async lastSeq(sessionId: string): Promise<number> {
    return (await this.readCounter(sessionId)).lastSeq;
  }

  /** The version a subscriber list must be read after (see subscriptions-version.ts). */
  async subscriptionsVersion(sessionId: string): Promise<number> {
    const counter = await this.readCounter(sessionId);
    // The read told us where the log stands: the next append need not read it again.
    if (!this.next.has(sessionId)) this.next.set(sessionId, counter.lastSeq + 1);
    return counter.subscriptionsVersion;
  }

  private async readCounter(sessionId: string): Promise<{ lastSeq: number; subscriptionsVersion: number }> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.options.table,
        Key: counterKey(sessionId),
        ConsistentRead: true,
        ProjectionExpression: '#last, #subs',
        ExpressionAttributeNames: { '#last': COUNTER_ATTRIBUTE, '#subs': SUBSCRIPTIONS_VERSION_ATTRIBUTE },
      }),
    );
    const last = Item?.[COUNTER_ATTRIBUTE];
    const subs = Item?.[SUBSCRIPTIONS_VERSION_ATTRIBUTE];
    return {
      lastSeq: typeof last === 'number' ? last : await this.newestLoggedSeq(sessionId),
      subscriptionsVersion: typeof subs === 'number' ? subs : 0,
    };
  }

  /**
   * After a session is deleted its counter expires with the rest of its log
   * (not at once: a host still draining may append a little longer, and must
   * keep counting up). Session ids are never reused, so nothing restarts it.
   */
  async retire(sessionId: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.options.table,
          Key: counterKey(sessionId),
          UpdateExpression: 'SET expiresAt = :exp',
          // A counter that only counted subscriptions (no event yet) expires as well.
          ConditionExpression: 'attribute_exists(sessionId)',
          ExpressionAttributeValues: { ':exp': Math.floor(this.now() / 1000) + this.options.ttlSeconds },
        }),
      )
      .catch((err: unknown) => {
        // No counter: the session never logged an event.
        if ((err as Error)?.name !== 'ConditionalCheckFailedException') throw err;
      });
  }

  /** Logs written before the counter existed: their newest event is the best knowledge there is. */
  private async newestLoggedSeq(sessionId: string): Promise<number> {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.options.table,
        KeyConditionExpression: 'sessionId = :s AND seq > :counter',
        ExpressionAttributeValues: { ':s': sessionId, ':counter': EVENT_LOG_ITEMS.counterSeq },
        ScanIndexForward: false,
        Limit: 1,
        ProjectionExpression: 'seq',
        ConsistentRead: true,
      }),
    );
    const seq = page.Items?.[0]?.seq;
    return typeof seq === 'number' ? seq : 0;
  }

  private async byEventId(sessionId: string, eventId: string): Promise<EventEnvelope | undefined> {
    const marker = await this.doc.send(
      new GetCommand({
        TableName: this.options.table,
        Key: markerKey(sessionId, eventId),
        ConsistentRead: true,
      }),
    );
    const ref = marker.Item?.ref;
    if (typeof ref !== 'number') return undefined;
    const item = await this.doc.send(
      new GetCommand({ TableName: this.options.table, Key: { sessionId, seq: ref }, ConsistentRead: true }),
    );
    return item.Item ? toEnvelope(item.Item) : undefined;
  }
}

const COUNTER_ATTRIBUTE = EVENT_LOG_ITEMS.counterAttribute;

function counterKey(sessionId: string): { sessionId: string; seq: number } {
  return { sessionId, seq: EVENT_LOG_ITEMS.counterSeq };
}

/** The seq condition, and with a guard the subscriptions version (0: never bumped). */
function counterCondition(
  previous: number,
  guard: AppendGuard | undefined,
): { ConditionExpression: string; ExpressionAttributeNames: Record<string, string> } {
  const seq = previous === 0 ? 'attribute_not_exists(#last)' : '#last = :previous';
  if (!guard) return { ConditionExpression: seq, ExpressionAttributeNames: { '#last': COUNTER_ATTRIBUTE } };
  const subs = guard.subscriptionsVersion === 0 ? 'attribute_not_exists(#subs)' : '#subs = :subs';
  return {
    ConditionExpression: `${seq} AND ${subs}`,
    ExpressionAttributeNames: { '#last': COUNTER_ATTRIBUTE, '#subs': SUBSCRIPTIONS_VERSION_ATTRIBUTE },
  };
}

function markerKey(sessionId: string, eventId: string): { sessionId: string; seq: number } {
  return { sessionId: `${EVENT_LOG_ITEMS.markerPrefix}${sessionId}#${eventId}`, seq: 0 };
}

function toEnvelope(item: Record<string, unknown>): EventEnvelope {
  return {
    v: EVENT_VERSION,
    type: item.type as EventEnvelope['type'],
    sessionId: item.sessionId as string,
    seq: item.seq as number,
    eventId: item.eventId as string,
    at: item.at as string,
    data: (item.data ?? {}) as Record<string, unknown>,
  };
}
