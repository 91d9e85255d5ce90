import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ALL_TENANTS, emptyStatusCounts, type SessionStatusCounter } from '../domain/message-stats.ts';
import { SESSION_STATUSES, type SessionStatus } from '../domain/session-status.ts';
import { DELETING_OWNER } from '../hosts/host-record.ts';
import { INDEX } from './tables.ts';

export interface DynamoDbSessionStatusCountsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly sessionsTable: string;
}

const STATUSES = new Set<string>(SESSION_STATUSES);

/**
 * Sessions by status: a tenant's from its index (bounded by its session
 * quota), every tenant's by a scan of the sessions table. Both read only
 * `status` and `ownerHostId`, and stop after `max` records.
 */
export class DynamoDbSessionStatusCounts implements SessionStatusCounter {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbSessionStatusCountsOptions) {
    this.#doc = options.client;
    this.#table = options.sessionsTable;
  }

  async count(scope: string, max: number) {
    const counts = emptyStatusCounts();
    let read = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const common = {
        TableName: this.#table,
        ProjectionExpression: '#status, ownerHostId',
        ExpressionAttributeNames: { '#status': 'status' },
        Limit: Math.min(1_000, max - read),
        ExclusiveStartKey: start,
      };
      const page = await this.#doc.send(
        scope === ALL_TENANTS
          ? new ScanCommand(common)
          : new QueryCommand({
              ...common,
              IndexName: INDEX.sessionsByTenant,
              KeyConditionExpression: 'tenantId = :t',
              ExpressionAttributeValues: { ':t': scope },
            }),
      );
      for (const item of page.Items ?? []) {
        read += 1;
        // A session being deleted is gone for its tenant already.
        if (item.ownerHostId === DELETING_OWNER) continue;
        const status = String(item.status);
        if (STATUSES.has(status)) counts[status as SessionStatus] += 1;
      }
      start = page.LastEvaluatedKey;
    } while (start && read < max);
    return { counts, complete: start === undefined };
  }
}
