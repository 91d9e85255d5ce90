import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { INDEX } from '../storage/tables.ts';
import type { ConnectionRecord, ConnectionStore } from './ports.ts';

interface Options {
  readonly connectionsTable: string;
  readonly subscriptionsTable: string;
  /** API Gateway closes a WebSocket after 2 h; records outlive that a little. */
  readonly ttlSeconds?: number;
  readonly now?: () => number;
}

/** Connections and subscriptions in DynamoDB; reads filter on expiry because TTL deletion is lazy. */
export class DynamoDbConnectionStore implements ConnectionStore {
  private readonly now: () => number;
  private readonly ttlSeconds: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly options: Options,
  ) {
    this.now = options.now ?? Date.now;
    this.ttlSeconds = options.ttlSeconds ?? 2 * 3600 + 600;
  }

  private expiresAt(): number {
    return Math.floor(this.now() / 1000) + this.ttlSeconds;
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  async putConnection(connection: ConnectionRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.options.connectionsTable,
        Item: { ...connection, expiresAt: this.expiresAt() },
      }),
    );
  }

  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.options.connectionsTable,
        Key: { connectionId },
        ConsistentRead: true,
      }),
    );
    if (!Item || (Item.expiresAt as number) <= this.nowSeconds()) return undefined;
    return {
      connectionId: Item.connectionId as string,
      tenantId: Item.tenantId as string,
      role: Item.role as string,
      subject: Item.subject as string | undefined,
      connectedAt: Item.connectedAt as number,
    };
  }

  async removeConnection(connectionId: string): Promise<void> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.options.subscriptionsTable,
          IndexName: INDEX.subscriptionsByConnection,
          KeyConditionExpression: 'connectionId = :c',
          ExpressionAttributeValues: { ':c': connectionId },
          ExclusiveStartKey: start,
        }),
      );
      const keys = (page.Items ?? []).map((i) => ({ sessionId: i.sessionId as string, connectionId }));
      for (let i = 0; i < keys.length; i += 25) {
        await this.doc.send(
          new BatchWriteCommand({
            RequestItems: {
              [this.options.subscriptionsTable]: keys
                .slice(i, i + 25)
                .map((Key) => ({ DeleteRequest: { Key } })),
            },
          }),
        );
      }
      start = page.LastEvaluatedKey;
    } while (start);
    await this.doc.send(
      new DeleteCommand({ TableName: this.options.connectionsTable, Key: { connectionId } }),
    );
  }

  async subscribe(sessionId: string, connectionId: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.options.subscriptionsTable,
        Item: { sessionId, connectionId, expiresAt: this.expiresAt() },
      }),
    );
  }

  async unsubscribe(sessionId: string, connectionId: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.options.subscriptionsTable, Key: { sessionId, connectionId } }),
    );
  }

  async subscribers(sessionId: string): Promise<string[]> {
    const out: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.options.subscriptionsTable,
          KeyConditionExpression: 'sessionId = :s',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':s': sessionId, ':now': this.nowSeconds() },
          ProjectionExpression: 'connectionId',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(item.connectionId as string);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
