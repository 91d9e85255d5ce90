import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  emissionIntervalMs,
  maxTatBefore,
  type Rate,
  type RateDecision,
  type RateLimiter,
  retryAfterSeconds,
  type WindowCounter,
} from '../limits/rate.ts';
import { TENANT_ITEMS } from './tables.ts';

export interface DynamoDbTenantRatesOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tenantsTable: string;
  readonly now?: () => number;
}

/** Buckets whose last `tat` this instance remembers, as a hint of which write to try first. */
const MAX_HINTS = 1_000;
/**
 * Each request judges the bucket by its own clock reading, taken before its write lands: under
 * concurrency (and across instances whose clocks differ by ms) a request whose reading is a few
 * ms older than the one that moved `tat` would lose its place in an exact burst. This much slack
 * absorbs that, at the cost of a fraction of one request per burst.
 */
const CLOCK_SLACK_MS = 25;
/** Both writes can lose a race once each; a third miss means the bucket moved under us twice. */
const MAX_ATTEMPTS = 3;

/**
 * Per-tenant rates on one item per (tenant, bucket) in the tenants table,
 * correct across any number of Lambda instances: every decision is a
 * conditional UpdateItem, never a read. A GCRA step has two shapes (an idle
 * bucket restarts from now; a busy one moves its `tat` on), and a condition
 * picks between them; the instance's last view of the bucket picks which to
 * try first, so a steady stream costs one write per request. A refusal
 * costs that one write too: the failed condition returns the stored `tat`.
 */
export class DynamoDbTenantRates implements RateLimiter, WindowCounter {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #now: () => number;
  readonly #hints = new Map<string, number>();

  constructor(options: DynamoDbTenantRatesOptions) {
    this.#doc = options.client;
    this.#table = options.tenantsTable;
    this.#now = options.now ?? Date.now;
  }

  async take(tenantId: string, bucket: string, rate: Rate): Promise<RateDecision> {
    const item = TENANT_ITEMS.rate(bucket);
    const hintKey = `${tenantId}\u0000${item}`;
    const now = this.#now();
    const interval = emissionIntervalMs(rate);
    const maxTat = maxTatBefore(rate, now) + CLOCK_SLACK_MS;
    let busy = (this.#hints.get(hintKey) ?? 0) > now;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = busy
        ? await this.#write(
            tenantId,
            item,
            'SET tat = tat + :t, expiresAt = :exp',
            'tat > :now AND tat <= :max',
            {
              ':t': interval,
              ':now': now,
              ':max': maxTat,
              ':exp': expiry(maxTat + interval),
            },
          )
        : await this.#write(
            tenantId,
            item,
            'SET tat = :tat, expiresAt = :exp',
            'attribute_not_exists(tat) OR tat <= :now',
            { ':tat': now + interval, ':now': now, ':exp': expiry(now + interval) },
          );
      if (stored.written) {
        this.#remember(hintKey, busy ? maxTat : now + interval);
        return { allowed: true };
      }
      const tat = stored.tat ?? 0;
      this.#remember(hintKey, tat);
      if (tat > maxTat) return { allowed: false, retryAfterSeconds: retryAfterSeconds(rate, tat, now) };
      busy = tat > now;
    }
    // Contended past every attempt: refuse briefly rather than spend more writes.
    return { allowed: false, retryAfterSeconds: 1 };
  }

  /** A fixed-window count: one conditional ADD per request on the window's own item (expired by TTL). */
  async takeInWindow(
    tenantId: string,
    name: string,
    limit: number,
    windowSeconds: number,
  ): Promise<RateDecision> {
    const nowSeconds = Math.floor(this.#now() / 1000);
    const start = nowSeconds - (nowSeconds % windowSeconds);
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { tenantId, item: TENANT_ITEMS.window(name, start) },
          UpdateExpression: 'ADD #n :one SET expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
          ExpressionAttributeNames: { '#n': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':exp': start + windowSeconds + 60 },
        }),
      );
      return { allowed: true };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException)
        return { allowed: false, retryAfterSeconds: Math.max(1, start + windowSeconds - nowSeconds) };
      throw err;
    }
  }

  async #write(
    tenantId: string,
    item: string,
    update: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<{ written: true } | { written: false; tat: number | undefined }> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { tenantId, item },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { written: true };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        return { written: false, tat: numberAttribute(err.Item?.tat) };
      }
      throw err;
    }
  }

  #remember(key: string, tat: number): void {
    if (this.#hints.size >= MAX_HINTS && !this.#hints.has(key)) this.#hints.clear();
    this.#hints.set(key, tat);
  }
}

/** The failed condition's item comes back in the wire format (the document client does not convert it). */
function numberAttribute(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const n = (value as { N?: unknown } | undefined)?.N;
  return typeof n === 'string' ? Number(n) : undefined;
}

/** TTL a minute after the bucket is full again: an idle tenant's item goes away, and its absence means full. */
function expiry(tatMs: number): number {
  return Math.ceil(tatMs / 1000) + 60;
}
