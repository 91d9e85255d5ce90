import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { TABLES, type TableDefinition, type TableNames } from '#commons/storage/tables.ts';

function createTableInput(def: TableDefinition, name: string): CreateTableCommandInput {
  const attributes = new Map<string, 'S' | 'N'>();
  const add = (a: { name: string; type: 'S' | 'N' }): void => void attributes.set(a.name, a.type);
  add(def.partitionKey);
  if (def.sortKey) add(def.sortKey);
  for (const index of def.indexes) {
    add(index.partitionKey);
    if (index.sortKey) add(index.sortKey);
  }
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(def.indexes.length > 0 && {
      GlobalSecondaryIndexes: def.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
          ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        Projection: { ProjectionType: 'ALL' as const },
      })),
    }),
    ...(def.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } }),
  };
}

async function waitActive(client: DynamoDBClient, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

/** Creates every table, the auth bucket and the media bucket if missing (idempotent; also used against LocalStack). */
export async function bootstrapResources(
  clients: { dynamodb: DynamoDBClient; s3: S3Client },
  names: { tables: TableNames; bucket: string; mediaBucket: string },
): Promise<void> {
  await Promise.all(
    Object.values(TABLES).map(async (def) => {
      const name = names.tables[def.id];
      try {
        await clients.dynamodb.send(new CreateTableCommand(createTableInput(def, name)));
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
      }
      await waitActive(clients.dynamodb, name);
      if (def.ttlAttribute) {
        await clients.dynamodb
          .send(
            new UpdateTimeToLiveCommand({
              TableName: name,
              TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
            }),
          )
          .catch((err: unknown) => {
            // Re-running against an existing table: TTL already enabled is not an error for us.
            if (!(err instanceof Error && /already enabled|TimeToLive is already/i.test(err.message)))
              throw err;
          });
      }
    }),
  );
  for (const bucket of [names.bucket, names.mediaBucket]) {
    try {
      await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch {
      await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
  }
  await clients.s3.send(
    new PutBucketCorsCommand({ Bucket: names.mediaBucket, CORSConfiguration: MEDIA_UPLOAD_CORS }),
  );
}

/**
 * The local dashboard (another origin than the bucket) PUTs media to a
 * presigned URL from the browser. The signature, not CORS, is what admits a
 * PUT: CORS only lets the page send the signed content-type and see the answer.
 */
const MEDIA_UPLOAD_CORS = {
  CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PUT' as const], AllowedHeaders: ['content-type'] }],
};
