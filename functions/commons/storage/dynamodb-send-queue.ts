import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  MAX_SENT_CONTENT_BYTES,
  type MarkOutcome,
  type OutboxEntry,
  type QueuedMessage,
  type SendQueue,
  type SentContents,
} from '../domain/session-outbox.ts';
import { INDEX } from './tables.ts';

export interface DynamoDbSendQueueOptions {
  readonly client: DynamoDBDocumentClient;
  readonly outboxTable: string;
}

const PENDING = { ':queued': 'QUEUED', ':sending': 'SENDING' } as const;

/**
 * The send queue on the outbox table: queued rows carry `queueKey`, so the
 * sparse `byQueue` index lists exactly a session's pending messages in order.
 */
export class DynamoDbSendQueue implements SendQueue, SentContents {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbSendQueueOptions) {
    this.#doc = options.client;
    this.#table = options.outboxTable;
  }

  async enqueue(
    message: QueuedMessage,
    limit: number,
    now: Date,
  ): Promise<{ kind: 'created' | 'existing'; entry: OutboxEntry } | { kind: 'full' }> {
    // A repeat of an accepted key is answered even when the queue is full.
    const existing = await this.#live(message.sessionId, message.idempotencyKey, now);
    if (existing) return { kind: 'existing', entry: existing };
    // Counted before the write: concurrent sends at the brink can pass together, so the bound is the limit plus the requests in flight.
    if ((await this.#countPending(message.sessionId, limit)) >= limit) return { kind: 'full' };
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: message,
          ConditionExpression: 'attribute_not_exists(sessionId) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
        }),
      );
      return { kind: 'created', entry: message };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const raced = await this.#live(message.sessionId, message.idempotencyKey, now);
      if (!raced) throw err;
      return { kind: 'existing', entry: raced };
    }
  }

  async pending(sessionId: string, limit: number): Promise<readonly QueuedMessage[]> {
    const { Items } = await this.#doc.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: INDEX.outboxByQueue,
        KeyConditionExpression: 'sessionId = :s',
        FilterExpression: '#state IN (:queued, :sending)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':s': sessionId, ...PENDING },
        Limit: limit,
      }),
    );
    return (Items ?? []) as QueuedMessage[];
  }

  async markSending(message: QueuedMessage, epoch: number): Promise<MarkOutcome> {
    return this.#mark(message, {
      UpdateExpression: 'SET #state = :sending, sendingEpoch = :epoch',
      ConditionExpression:
        '#state IN (:queued, :sending) AND (attribute_not_exists(sendingEpoch) OR sendingEpoch <= :epoch)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':epoch': epoch, ...PENDING },
    });
  }

  async markDone(
    message: QueuedMessage,
    epoch: number,
    outcome:
      | { state: 'SENT'; content?: Uint8Array | undefined }
      | { state: 'FAILED'; code: string; message: string },
    now: Date,
  ): Promise<MarkOutcome> {
    const failure = outcome.state === 'FAILED' ? { code: outcome.code, message: outcome.message } : undefined;
    const content =
      outcome.state === 'SENT' && outcome.content && outcome.content.byteLength <= MAX_SENT_CONTENT_BYTES
        ? outcome.content
        : undefined;
    const extra = failure
      ? ', failure = :failure'
      : content
        ? ', sentContent = :content, sentMessageId = :id'
        : '';
    return this.#mark(message, {
      UpdateExpression: `SET #state = :done, #status = :done, sentAt = :at${extra} REMOVE queueKey`,
      ConditionExpression: '#state = :sending AND sendingEpoch = :epoch',
      ExpressionAttributeNames: { '#state': 'state', '#status': 'status' },
      ExpressionAttributeValues: {
        ':done': outcome.state,
        ':sending': 'SENDING',
        ':epoch': epoch,
        ':at': now.toISOString(),
        ...(failure && { ':failure': failure }),
        ...(content && { ':content': content, ':id': message.messageId }),
      },
    });
  }

  /** The content a SENT row keeps for a resend (eventually consistent: the index lags a write by moments). */
  async findSent(sessionId: string, messageId: string): Promise<Uint8Array | undefined> {
    const { Items } = await this.#doc.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: INDEX.outboxBySentMessage,
        KeyConditionExpression: 'sessionId = :s AND sentMessageId = :id',
        ExpressionAttributeValues: { ':s': sessionId, ':id': messageId },
        ProjectionExpression: 'sentContent',
        Limit: 1,
      }),
    );
    const content: unknown = Items?.[0]?.sentContent;
    return content instanceof Uint8Array ? content : undefined;
  }

  async failPending(
    message: QueuedMessage,
    failure: { code: string; message: string },
    now: Date,
  ): Promise<MarkOutcome> {
    return this.#mark(message, {
      UpdateExpression:
        'SET #state = :failed, #status = :failed, sentAt = :at, failure = :failure REMOVE queueKey',
      ConditionExpression: '#state IN (:queued, :sending)',
      ExpressionAttributeNames: { '#state': 'state', '#status': 'status' },
      ExpressionAttributeValues: {
        ':failed': 'FAILED',
        ':at': now.toISOString(),
        ':failure': { code: failure.code, message: failure.message },
        ...PENDING,
      },
    });
  }

  async #mark(
    message: QueuedMessage,
    update: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<MarkOutcome> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { sessionId: message.sessionId, idempotencyKey: message.idempotencyKey },
          ...update,
          ConditionExpression: `attribute_exists(sessionId) AND ${update.ConditionExpression}`,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'marked';
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // The row as it was (raw attribute values): gone or done means finished, else a newer epoch holds it.
      const state = err.Item?.state?.S;
      if (state === undefined || state === 'SENT' || state === 'FAILED') return 'finished';
      return 'fenced';
    }
  }

  async #countPending(sessionId: string, limit: number): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: INDEX.outboxByQueue,
          KeyConditionExpression: 'sessionId = :s',
          Select: 'COUNT',
          ExpressionAttributeValues: { ':s': sessionId },
          Limit: limit - count,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start && count < limit);
    return count;
  }

  async #get(sessionId: string, idempotencyKey: string): Promise<OutboxEntry | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { sessionId, idempotencyKey }, ConsistentRead: true }),
    );
    return Item as OutboxEntry | undefined;
  }

  async #live(sessionId: string, idempotencyKey: string, now: Date): Promise<OutboxEntry | undefined> {
    const row = await this.#get(sessionId, idempotencyKey);
    return row && row.expiresAt > Math.floor(now.getTime() / 1000) ? row : undefined;
  }
}
