import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MAX_SENT_CONTENT_BYTES, type OutboxEntry, type SessionOutbox } from '../domain/session-outbox.ts';

export interface DynamoDbSessionOutboxOptions {
  readonly client: DynamoDBDocumentClient;
  readonly outboxTable: string;
}

export class DynamoDbSessionOutbox implements SessionOutbox {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbSessionOutboxOptions) {
    this.#doc = options.client;
    this.#table = options.outboxTable;
  }

  async reserve(entry: OutboxEntry, now: Date): Promise<{ created: boolean; entry: OutboxEntry }> {
    try {
      // An expired row (TTL deletes lazily) counts as absent and is replaced.
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: entry,
          ConditionExpression: 'attribute_not_exists(sessionId) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
        }),
      );
      return { created: true, entry };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const existing = await this.get(entry.sessionId, entry.idempotencyKey);
      if (!existing) throw err;
      return { created: false, entry: existing };
    }
  }

  async get(sessionId: string, idempotencyKey: string): Promise<OutboxEntry | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { sessionId, idempotencyKey }, ConsistentRead: true }),
    );
    return Item as OutboxEntry | undefined;
  }

  async acquireLease(
    sessionId: string,
    idempotencyKey: string,
    leaseUntil: number,
    now: Date,
  ): Promise<boolean> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { sessionId, idempotencyKey },
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression:
            'attribute_exists(sessionId) AND attribute_not_exists(sentAt) AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)',
          ExpressionAttributeValues: { ':until': leaseUntil, ':now': now.getTime() },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async releaseLease(sessionId: string, idempotencyKey: string): Promise<void> {
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { sessionId, idempotencyKey },
        UpdateExpression: 'REMOVE leaseUntil',
        ConditionExpression: 'attribute_exists(sessionId)',
      }),
    );
  }

  async markSent(
    sessionId: string,
    idempotencyKey: string,
    status: string,
    now: Date,
    sent?: { readonly messageId: string; readonly content: Uint8Array },
  ): Promise<void> {
    const kept = sent && sent.content.byteLength <= MAX_SENT_CONTENT_BYTES ? sent : undefined;
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { sessionId, idempotencyKey },
        UpdateExpression: `SET sentAt = :now, #status = :status${kept ? ', sentContent = :content, sentMessageId = :id' : ''} REMOVE leaseUntil`,
        ConditionExpression: 'attribute_exists(sessionId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':status': status,
          ...(kept && { ':content': kept.content, ':id': kept.messageId }),
        },
      }),
    );
  }
}
