import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX } from '#commons/storage/tables.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws('ddb');
});
afterAll(() => aws.destroy());

describe('DynamoDB through the real SDK against the embedded service', () => {
  it('refuses a conditional write whose condition no longer holds', async () => {
    const table = aws.tables.sessions;
    await aws.doc.send(
      new PutCommand({ TableName: table, Item: { sessionId: 's1', tenantId: 'a', epoch: 1 } }),
    );
    await aws.doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { sessionId: 's1' },
        UpdateExpression: 'SET epoch = :next',
        ConditionExpression: 'epoch = :seen',
        ExpressionAttributeValues: { ':next': 2, ':seen': 1 },
      }),
    );
    const stale = aws.doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { sessionId: 's1' },
        UpdateExpression: 'SET epoch = :next',
        ConditionExpression: 'epoch = :seen',
        ExpressionAttributeValues: { ':next': 2, ':seen': 1 },
      }),
    );
    await expect(stale).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const { Item } = await aws.doc.send(new GetCommand({ TableName: table, Key: { sessionId: 's1' } }));
    expect(Item?.epoch).toBe(2);
  });

  it('pages through a GSI query without losing or repeating an item', async () => {
    const table = aws.tables.sessions;
    const ids = Array.from({ length: 23 }, (_, i) => `page-${String(i).padStart(2, '0')}`);
    await Promise.all(
      ids.map((id) =>
        aws.doc.send(
          new PutCommand({ TableName: table, Item: { sessionId: id, tenantId: 'paged', createdKey: id } }),
        ),
      ),
    );
    const seen: string[] = [];
    let cursor: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await aws.doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEX.sessionsByTenant,
          KeyConditionExpression: 'tenantId = :t',
          ExpressionAttributeValues: { ':t': 'paged' },
          Limit: 5,
          ExclusiveStartKey: cursor,
        }),
      );
      seen.push(...(page.Items ?? []).map((i) => i.sessionId as string));
      cursor = page.LastEvaluatedKey;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBeGreaterThanOrEqual(5);
  });

  it('writes nothing when one item of a transaction fails its condition', async () => {
    await aws.doc.send(
      new PutCommand({ TableName: aws.tables.sessionNames, Item: { tenantName: 'a#taken', sessionId: 'x' } }),
    );
    const attempt = aws.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: aws.tables.sessions, Item: { sessionId: 'tx-1', tenantId: 'a' } } },
          {
            Put: {
              TableName: aws.tables.sessionNames,
              Item: { tenantName: 'a#taken', sessionId: 'tx-1' },
              ConditionExpression: 'attribute_not_exists(tenantName)',
            },
          },
        ],
      }),
    );
    await expect(attempt).rejects.toBeInstanceOf(TransactionCanceledException);
    const { Item } = await aws.doc.send(
      new GetCommand({ TableName: aws.tables.sessions, Key: { sessionId: 'tx-1' } }),
    );
    expect(Item).toBeUndefined();
  });
});
