import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { INDEX } from '#commons/storage/tables.ts';
import type { WsUsage } from './ws-limits.ts';

/**
 * Counts live items by index query instead of keeping counters: a counter
 * moved at `$connect`/`$disconnect` drifts up whenever a disconnect is
 * missed (a Lambda error, a 410 cleanup elsewhere, TTL expiry), and a cap on
 * a count that only grows locks a tenant out. The query reads at most
 * `upTo` + a page, filtered on expiry because TTL deletes lazily. The price:
 * concurrent `$connect`s each see the count before the others' items, so a
 * burst can pass the cap by up to the number of connects in flight.
 */
export class DynamoDbWsUsage implements WsUsage {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tables: { connections: string; subscriptions: string };
  readonly #now: () => number;

  constructor(
    doc: DynamoDBDocumentClient,
    tables: { connections: string; subscriptions: string },
    now = Date.now,
  ) {
    this.#doc = doc;
    this.#tables = tables;
    this.#now = now;
  }

  async liveConnections(tenantId: string, upTo: number): Promise<number> {
    const items = await this.#live(
      this.#tables.connections,
      INDEX.connectionsByTenant,
      'tenantId',
      tenantId,
      upTo,
    );
    return items.length;
  }

  async subscribedSessions(connectionId: string, upTo: number): Promise<readonly string[]> {
    const items = await this.#live(
      this.#tables.subscriptions,
      INDEX.subscriptionsByConnection,
      'connectionId',
      connectionId,
      upTo,
    );
    return items.map((i) => i.sessionId as string);
  }

  async #live(
    table: string,
    index: string,
    key: string,
    value: string,
    upTo: number,
  ): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: index,
          KeyConditionExpression: '#k = :v',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeNames: { '#k': key },
          ExpressionAttributeValues: { ':v': value, ':now': Math.floor(this.#now() / 1000) },
          Limit: upTo + 1,
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start && out.length < upTo);
    return out.slice(0, upTo);
  }
}
