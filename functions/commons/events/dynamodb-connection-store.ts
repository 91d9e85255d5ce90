import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { EVENT_LOG_ITEMS, INDEX } from '../storage/tables.ts';
import type { ConnectionRecord, ConnectionStore, ReplayAllowance, Subscriber } from './ports.ts';
import { SUBSCRIPTIONS_VERSION_ATTRIBUTE } from './subscriptions-version.ts';

/** How many subscribe-with-replay a connection may make per window. */
export interface ReplayRate {
  readonly perWindow: number;
  readonly windowSeconds: number;
}

interface Options {
  readonly connectionsTable: string;
  readonly subscriptionsTable: string;
  /**
   * The events table, whose counter items count subscription changes for the
   * publishers' caches. Required to subscribe or unsubscribe; a host only reads subscribers.
   */
  readonly eventsTable?: string;
  /** API Gateway closes a WebSocket after 2 h; records outlive that a little. */
  readonly ttlSeconds?: number;
  readonly replayRate?: ReplayRate;
  readonly now?: () => number;
}

/** Ten replays a minute serve a client reconnecting in a loop; more is a client replaying for its own sake. */
export const DEFAULT_REPLAY_RATE: ReplayRate = { perWindow: 10, windowSeconds: 60 };

function isConditionFailure(err: unknown): boolean {
  return (err as Error)?.name === 'ConditionalCheckFailedException';
}

/** Attempts of one subscriptions-version bump that meets an append's transaction on the counter item. */
export const SUBSCRIPTIONS_BUMP_ATTEMPTS = 5;

export class SubscriptionsNotVersionedError extends Error {
  override readonly name = 'SubscriptionsNotVersionedError';
}

/** Connections and subscriptions in DynamoDB; reads filter on expiry because TTL deletion is lazy. */
export class DynamoDbConnectionStore implements ConnectionStore {
  private readonly now: () => number;
  private readonly ttlSeconds: number;
  private readonly replayRate: ReplayRate;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly options: Options,
  ) {
    this.now = options.now ?? Date.now;
    this.ttlSeconds = options.ttlSeconds ?? 2 * 3600 + 600;
    this.replayRate = options.replayRate ?? DEFAULT_REPLAY_RATE;
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
      tokenExpiresAt: Item.tokenExpiresAt as number | undefined,
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

  /** Put, then bump: a publisher that reads the new version reads this subscription too. */
  async subscribe(sessionId: string, connectionId: string, tokenExpiresAt?: number): Promise<void> {
    const eventsTable = this.versionTable();
    await this.doc.send(
      new PutCommand({
        TableName: this.options.subscriptionsTable,
        Item: { sessionId, connectionId, expiresAt: this.expiresAt(), tokenExpiresAt },
      }),
    );
    await this.bumpSubscriptionsVersion(eventsTable, sessionId);
  }

  /** Bumped as well, so an unsubscribed but still open connection gets no further event. */
  async unsubscribe(sessionId: string, connectionId: string): Promise<void> {
    const eventsTable = this.versionTable();
    await this.doc.send(
      new DeleteCommand({ TableName: this.options.subscriptionsTable, Key: { sessionId, connectionId } }),
    );
    await this.bumpSubscriptionsVersion(eventsTable, sessionId);
  }

  private versionTable(): string {
    if (!this.options.eventsTable)
      throw new SubscriptionsNotVersionedError('subscriptions change only with the events table configured');
    return this.options.eventsTable;
  }

  /** An append's transaction on the same item can make this write fail as a conflict: try again, bounded. */
  private async bumpSubscriptionsVersion(eventsTable: string, sessionId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: eventsTable,
            Key: { sessionId, seq: EVENT_LOG_ITEMS.counterSeq },
            UpdateExpression: 'ADD #subs :one',
            ExpressionAttributeNames: { '#subs': SUBSCRIPTIONS_VERSION_ATTRIBUTE },
            ExpressionAttributeValues: { ':one': 1 },
          }),
        );
        return;
      } catch (err) {
        if ((err as Error)?.name !== 'TransactionConflictException' || attempt >= SUBSCRIPTIONS_BUMP_ATTEMPTS)
          throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  async subscribers(sessionId: string): Promise<Subscriber[]> {
    const out: Subscriber[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.options.subscriptionsTable,
          KeyConditionExpression: 'sessionId = :s',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':s': sessionId, ':now': this.nowSeconds() },
          ProjectionExpression: 'connectionId, tokenExpiresAt',
          // Read after the subscriptions version: it must see every subscription put before that bump.
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        out.push({
          connectionId: item.connectionId as string,
          tokenExpiresAt: item.tokenExpiresAt as number | undefined,
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * A fixed window counter on the connection record, moved with conditional
   * updates so concurrent Lambda instances share it: count up inside the
   * current window, or open a new one. Two rounds cover another instance
   * opening the window between our two conditions.
   */
  async takeReplay(connectionId: string): Promise<ReplayAllowance> {
    const { perWindow, windowSeconds } = this.replayRate;
    const now = this.nowSeconds();
    const window = now - (now % windowSeconds);
    const update = async (expression: string, condition: string, values: Record<string, unknown>) => {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.options.connectionsTable,
            Key: { connectionId },
            UpdateExpression: expression,
            ConditionExpression: `attribute_exists(connectionId) AND (${condition})`,
            ExpressionAttributeNames: { '#w': 'replayWindow', '#n': 'replayCount' },
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    };
    for (let round = 0; round < 2; round++) {
      if (
        await update('SET #n = #n + :one', '#w = :w AND #n < :max', {
          ':one': 1,
          ':w': window,
          ':max': perWindow,
        })
      )
        return { allowed: true };
      if (
        await update('SET #w = :w, #n = :one', 'attribute_not_exists(#w) OR #w < :w', {
          ':one': 1,
          ':w': window,
        })
      )
        return { allowed: true };
    }
    return { allowed: false, retryAfter: window + windowSeconds - now };
  }
}
