import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { sessionKey } from './session-item.ts';
import { TENANT_ITEMS } from './tables.ts';

/**
 * A tenant's usage item: `sessions` (a count, moved in the same transaction
 * as a session's create and final delete) and `running` (the set of session
 * ids whose desired state is RUNNING, moved in the same transaction as the
 * start or stop). A set rather than a count because a session host may also
 * set desired STOPPED (when it gives up) without touching this item: a stale
 * member is found and removed when it would refuse a start, so the quota
 * never drifts shut.
 */
export const USAGE = { sessions: 'sessions', running: 'running' } as const;

export function usageKey(tenantId: string): { tenantId: string; item: string } {
  return { tenantId, item: TENANT_ITEMS.usage };
}

/** Counts one more session, refused (as a cancelled transaction) at `max`. */
export function countSession(tenantsTable: string, tenantId: string, max: number) {
  return {
    Update: {
      TableName: tenantsTable,
      Key: usageKey(tenantId),
      UpdateExpression: 'ADD #s :one',
      ConditionExpression: 'attribute_not_exists(#s) OR #s < :max',
      ExpressionAttributeNames: { '#s': USAGE.sessions },
      ExpressionAttributeValues: { ':one': 1, ':max': max },
    },
  };
}

/** A session's final delete: one fewer session, and never running. */
export function uncountSession(tenantsTable: string, tenantId: string, sessionId: string) {
  return {
    Update: {
      TableName: tenantsTable,
      Key: usageKey(tenantId),
      UpdateExpression: 'ADD #s :minus DELETE #r :ids',
      ExpressionAttributeNames: { '#s': USAGE.sessions, '#r': USAGE.running },
      ExpressionAttributeValues: { ':minus': -1, ':ids': new Set([sessionId]) },
    },
  };
}

/** Marks the session running, refused at `max` unless it is already a member. */
export function markRunning(tenantsTable: string, tenantId: string, sessionId: string, max: number) {
  return {
    Update: {
      TableName: tenantsTable,
      Key: usageKey(tenantId),
      UpdateExpression: 'ADD #r :ids',
      ConditionExpression: 'attribute_not_exists(#r) OR size(#r) < :max OR contains(#r, :id)',
      ExpressionAttributeNames: { '#r': USAGE.running },
      ExpressionAttributeValues: { ':ids': new Set([sessionId]), ':max': max, ':id': sessionId },
    },
  };
}

export function markStopped(tenantsTable: string, tenantId: string, sessionId: string) {
  return {
    Update: {
      TableName: tenantsTable,
      Key: usageKey(tenantId),
      UpdateExpression: 'DELETE #r :ids',
      ExpressionAttributeNames: { '#r': USAGE.running },
      ExpressionAttributeValues: { ':ids': new Set([sessionId]) },
    },
  };
}

/** Members of the running set a repair may look at per refusal (the set holds at most the quota). */
const MAX_PRUNE_LOOKS = 200;

/**
 * Removes members of the tenant's running set whose session is gone or no
 * longer desired RUNNING, each conditioned on the session item in the same
 * transaction (a start racing the repair keeps its membership). Returns how
 * many were removed.
 */
export async function pruneRunning(
  doc: DynamoDBDocumentClient,
  tables: { tenants: string; sessions: string },
  tenantId: string,
): Promise<number> {
  const { Item } = await doc.send(
    new GetCommand({ TableName: tables.tenants, Key: usageKey(tenantId), ConsistentRead: true }),
  );
  const members = [...((Item?.[USAGE.running] as Set<string> | undefined) ?? [])].slice(0, MAX_PRUNE_LOOKS);
  let removed = 0;
  for (const sessionId of members) {
    const { Item: session } = await doc.send(
      new GetCommand({ TableName: tables.sessions, Key: sessionKey(sessionId), ConsistentRead: true }),
    );
    if (session?.desired === 'RUNNING' && session.tenantId === tenantId) continue;
    try {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tables.sessions,
                Key: sessionKey(sessionId),
                ConditionExpression: 'attribute_not_exists(sessionId) OR desired <> :running',
                ExpressionAttributeValues: { ':running': 'RUNNING' },
              },
            },
            markStopped(tables.tenants, tenantId, sessionId),
          ],
        }),
      );
      removed++;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
    }
  }
  return removed;
}

/** Which item of a cancelled transaction failed its condition, if any. */
export function failedConditionAt(err: unknown): number[] {
  if (!(err instanceof TransactionCanceledException)) return [];
  return (err.CancellationReasons ?? []).flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
}
