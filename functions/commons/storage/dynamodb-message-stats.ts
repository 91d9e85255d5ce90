import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type MessageStatsStore,
  type MinuteCount,
  STATS_ITEM_TTL_SECONDS,
  type StatsIncrement,
} from '../domain/message-stats.ts';
import { TENANT_ITEMS } from './tables.ts';

export interface DynamoDbMessageStatsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tenantsTable: string;
}

/** Counter updates in flight at once for one batch of stream records. */
const WRITE_CONCURRENCY = 8;
/** A 60-minute window is 60 small items: one page, but page anyway. */
const MAX_READ_PAGES = 5;

/**
 * Per-minute message counters as items of the tenants table
 * (`{tenantId, item: stats#<minute>, in, out, expiresAt}`), moved with ADD,
 * so concurrent dispatchers never lose an increment.
 */
export class DynamoDbMessageStats implements MessageStatsStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbMessageStatsOptions) {
    this.#doc = options.client;
    this.#table = options.tenantsTable;
  }

  async add(increments: readonly StatsIncrement[]): Promise<void> {
    for (let i = 0; i < increments.length; i += WRITE_CONCURRENCY) {
      await Promise.all(increments.slice(i, i + WRITE_CONCURRENCY).map((inc) => this.#addOne(inc)));
    }
  }

  async #addOne(inc: StatsIncrement): Promise<void> {
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { tenantId: inc.scope, item: TENANT_ITEMS.stats(inc.minute) },
        UpdateExpression: 'ADD #in :in, #out :out SET expiresAt = :exp',
        ExpressionAttributeNames: { '#in': 'in', '#out': 'out' },
        ExpressionAttributeValues: {
          ':in': inc.in,
          ':out': inc.out,
          ':exp': (inc.minute + 1) * 60 + STATS_ITEM_TTL_SECONDS,
        },
      }),
    );
  }

  async read(scope: string, fromMinute: number, toMinute: number): Promise<MinuteCount[]> {
    const out: MinuteCount[] = [];
    let start: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'tenantId = :scope AND #item BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#item': 'item', '#in': 'in', '#out': 'out' },
          ExpressionAttributeValues: {
            ':scope': scope,
            ':from': TENANT_ITEMS.stats(fromMinute),
            ':to': TENANT_ITEMS.stats(toMinute),
          },
          ProjectionExpression: '#item, #in, #out',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const minute = Number(String(item.item).slice('stats#'.length));
        out.push({ minute, in: Number(item.in ?? 0), out: Number(item.out ?? 0) });
      }
      start = page.LastEvaluatedKey;
    } while (start && ++pages < MAX_READ_PAGES);
    return out;
  }
}
