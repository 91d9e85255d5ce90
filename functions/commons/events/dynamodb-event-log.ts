import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { EVENT_VERSION, type EventEnvelope, type NewEvent } from '../domain/events.ts';
import type { EventLog } from './ports.ts';

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
 * Per-session log in the events table (PK sessionId, SK seq). A position is
 * taken with a conditional put, so two writers can never share a seq; an event
 * with a caller-chosen id is appended at most once (a marker item in the same
 * transaction), which makes a redelivered WhatsApp message one event.
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

  async append(event: NewEvent): Promise<EventEnvelope> {
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
      const items = [
        {
          Put: {
            TableName: this.options.table,
            Item: { ...envelope, tenantId: event.tenantId, expiresAt },
            ConditionExpression: 'attribute_not_exists(seq)',
          },
        },
      ];
      if (event.eventId) {
        items.push({
          Put: {
            TableName: this.options.table,
            Item: { ...markerKey(event.sessionId, eventId), ref: seq, expiresAt } as never,
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
        const [seqReason, markerReason] = err.CancellationReasons ?? [];
        if (markerReason?.Code === 'ConditionalCheckFailed') {
          const existing = await this.byEventId(event.sessionId, eventId);
          if (existing) return existing;
        }
        if (seqReason?.Code !== 'ConditionalCheckFailed' && markerReason?.Code !== 'ConditionalCheckFailed')
          throw err;
        // Someone else took this position: forget our cursor and read the log's end again.
        this.next.delete(event.sessionId);
      }
    }
    throw new EventLogConflictError(`could not append to the event log of ${event.sessionId}`);
  }

  async after(sessionId: string, after: number, limit: number): Promise<EventEnvelope[]> {
    const out: EventEnvelope[] = [];
    let start: Record<string, unknown> | undefined;
    const nowSeconds = Math.floor(this.now() / 1000);
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.options.table,
          KeyConditionExpression: 'sessionId = :s AND seq > :after',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':s': sessionId, ':after': after, ':now': nowSeconds },
          Limit: Math.min(limit - out.length, 500),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(toEnvelope(item));
      start = page.LastEvaluatedKey;
    } while (start && out.length < limit);
    return out;
  }

  async lastSeq(sessionId: string): Promise<number> {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.options.table,
        KeyConditionExpression: 'sessionId = :s',
        ExpressionAttributeValues: { ':s': sessionId },
        ScanIndexForward: false,
        Limit: 1,
        ProjectionExpression: 'seq',
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

function markerKey(sessionId: string, eventId: string): { sessionId: string; seq: number } {
  return { sessionId: `dedup#${sessionId}#${eventId}`, seq: 0 };
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
