import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ControlPatch, UpdateResult } from '../domain/session-repository.ts';
import { decodeSessionItem, sessionKey } from './session-item.ts';
import { failedConditionAt, markRunning, markStopped } from './tenant-usage.ts';

export type RunningMove = NonNullable<ControlPatch['running']>;

/**
 * A session control write and its move in or out of the tenant's running set
 * in one transaction; 'quota' when the set is full. Transactions return no
 * values, so the record is read back (consistently) after the write.
 */
export async function updateCounted(
  doc: DynamoDBDocumentClient,
  tables: { tenants: string; sessions: string },
  sessionId: string,
  input: {
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeValues: Record<string, unknown>;
  },
  desired: ControlPatch['desired'],
  running: RunningMove,
): Promise<UpdateResult | 'quota'> {
  const usage =
    desired === 'RUNNING'
      ? markRunning(tables.tenants, running.tenantId, sessionId, running.maxRunning)
      : markStopped(tables.tenants, running.tenantId, sessionId);
  try {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tables.sessions,
              Key: sessionKey(sessionId),
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              ...input,
            },
          },
          usage,
        ],
      }),
    );
  } catch (err) {
    const failed = failedConditionAt(err);
    if (failed.includes(0)) {
      const reasons = err instanceof TransactionCanceledException ? (err.CancellationReasons ?? []) : [];
      return { ok: false, reason: reasons[0]?.Item ? 'conflict' : 'not-found' };
    }
    if (failed.includes(1)) return 'quota';
    throw err;
  }
  const { Item } = await doc.send(
    new GetCommand({ TableName: tables.sessions, Key: sessionKey(sessionId), ConsistentRead: true }),
  );
  const record = decodeSessionItem(Item);
  return record ? { ok: true, record } : { ok: false, reason: 'not-found' };
}
