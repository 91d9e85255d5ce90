import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig, s3ClientConfig } from '#commons/aws/client-config.ts';
import { operationAccess } from '#commons/aws/operation-access.ts';
import { type OperationRecord, recordAwsOperations } from '#commons/aws/operation-log.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

describe('the IAM access of one SDK request', () => {
  it.each([
    ['GetItem', { TableName: 't-sessions' }, [{ action: 'GetItem', resource: 't-sessions' }]],
    [
      'Query',
      { TableName: 't-sessions', IndexName: 'byOwner' },
      [{ action: 'Query', resource: 't-sessions/index/byOwner' }],
    ],
    [
      'TransactWriteItems',
      {
        TransactItems: [
          { Put: { TableName: 'a' } },
          { Update: { TableName: 'b' } },
          { Delete: { TableName: 'c' } },
          { ConditionCheck: { TableName: 'd' } },
        ],
      },
      [
        { action: 'PutItem', resource: 'a' },
        { action: 'UpdateItem', resource: 'b' },
        { action: 'DeleteItem', resource: 'c' },
        { action: 'ConditionCheckItem', resource: 'd' },
      ],
    ],
    [
      'TransactGetItems',
      { TransactItems: [{ Get: { TableName: 'a' } }] },
      [{ action: 'GetItem', resource: 'a' }],
    ],
    [
      'BatchWriteItem',
      { RequestItems: { x: [], y: [] } },
      [
        { action: 'BatchWriteItem', resource: 'x' },
        { action: 'BatchWriteItem', resource: 'y' },
      ],
    ],
    ['ListTables', {}, [{ action: 'ListTables', resource: '*' }]],
  ])('dynamodb %s', (operation, input, expected) => {
    expect(operationAccess('dynamodb', operation, input)).toEqual(expected);
  });

  it.each([
    [
      'GetObject',
      { Bucket: 'b', Key: 'auth/t/s/creds.json' },
      [{ action: 'GetObject', resource: 'b/auth/' }],
    ],
    ['HeadObject', { Bucket: 'b', Key: 'auth/x' }, [{ action: 'GetObject', resource: 'b/auth/' }]],
    ['PutObject', { Bucket: 'b', Key: 'media/x' }, [{ action: 'PutObject', resource: 'b/media/' }]],
    [
      'DeleteObjects',
      { Bucket: 'b', Delete: { Objects: [{ Key: 'auth/1' }, { Key: 'auth/2' }] } },
      [{ action: 'DeleteObject', resource: 'b/auth/' }],
    ],
    [
      'ListObjectsV2',
      { Bucket: 'b', Prefix: 'auth/t/s/' },
      [{ action: 'ListBucket', resource: 'b', prefix: 'auth/' }],
    ],
    ['ListObjectsV2', { Bucket: 'b' }, [{ action: 'ListBucket', resource: 'b', prefix: '' }]],
    [
      'ListObjectVersions',
      { Bucket: 'b', Prefix: 'auth/t/s/' },
      [{ action: 'ListBucketVersions', resource: 'b', prefix: 'auth/' }],
    ],
    [
      'DeleteObjects',
      { Bucket: 'b', Delete: { Objects: [{ Key: 'auth/1', VersionId: 'v1' }, { Key: 'auth/2' }] } },
      [
        { action: 'DeleteObjectVersion', resource: 'b/auth/' },
        { action: 'DeleteObject', resource: 'b/auth/' },
      ],
    ],
    [
      'DeleteObject',
      { Bucket: 'b', Key: 'auth/1', VersionId: 'v' },
      [{ action: 'DeleteObjectVersion', resource: 'b/auth/' }],
    ],
  ])('s3 %s', (operation, input, expected) => {
    expect(operationAccess('s3', operation, input)).toEqual(expected);
  });
});

describe('the operation log of a composition root', () => {
  let aws: TestAws;
  let dir: string;
  const clients: { destroy(): void }[] = [];
  beforeAll(async () => {
    aws = await createTestAws('oplog');
    dir = mkdtempSync(join(tmpdir(), 'zapfleet-oplog-test-'));
  });
  afterAll(() => {
    for (const c of clients) c.destroy();
    aws.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const read = (): OperationRecord[] =>
    readdirSync(dir).flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as OperationRecord),
    );

  it('records document-client transactions per item and S3 requests by prefix, each distinct line once', async () => {
    const dynamodb = new DynamoDBClient(
      awsClientConfig({ region: aws.storage.region, endpoint: aws.storage.dynamodbEndpoint }),
    );
    const s3 = new S3Client(s3ClientConfig({ region: aws.storage.region, endpoint: aws.storage.s3Endpoint }));
    clients.push(dynamodb, s3);
    recordAwsOperations(dynamodb, 'dynamodb', { runtime: 'api', dir });
    recordAwsOperations(s3, 's3', { runtime: 'host', dir });
    const doc = DynamoDBDocumentClient.from(dynamodb);
    for (const n of [1, 2]) {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [{ Put: { TableName: aws.tables.hosts, Item: { hostId: `h${n}` } } }],
        }),
      );
    }
    await s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: 'auth/acme/s1/creds.json', Body: '{}' }));
    await s3.send(new ListObjectsV2Command({ Bucket: aws.bucket, Prefix: 'auth/acme/s1/' }));

    expect(read()).toEqual(
      expect.arrayContaining([
        {
          runtime: 'api',
          service: 'dynamodb',
          operation: 'TransactWriteItems',
          action: 'PutItem',
          resource: aws.tables.hosts,
        },
        {
          runtime: 'host',
          service: 's3',
          operation: 'PutObject',
          action: 'PutObject',
          resource: `${aws.bucket}/auth/`,
        },
        {
          runtime: 'host',
          service: 's3',
          operation: 'ListObjectsV2',
          action: 'ListBucket',
          resource: aws.bucket,
          prefix: 'auth/',
        },
      ]),
    );
    expect(read()).toHaveLength(3);
  });

  it('leaves a client alone when no directory is given', async () => {
    const dynamodb = new DynamoDBClient(awsClientConfig({ region: 'us-east-1' }));
    clients.push(dynamodb);
    recordAwsOperations(dynamodb, 'dynamodb', { runtime: 'ws', dir: undefined });
    expect(dynamodb.middlewareStack.identify().some((m) => m.includes('zapfleetOperationLog'))).toBe(false);
  });
});
