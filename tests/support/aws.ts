import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { awsClientConfig, s3ClientConfig } from '#commons/aws/client-config.ts';
import { createDocumentClient } from '#commons/aws/document-client.ts';
import type { StorageConfig } from '#commons/config/runtime-config.ts';
import {
  type AwsEndpoints,
  createLocalResources,
  type LocalResources,
} from '../../infra/local/aws/embedded-aws.ts';
import { unitLaneRefusal } from './unit-lane.ts';

export interface TestAws extends LocalResources {
  readonly dynamodb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly s3: S3Client;
  /** Where runtimes find everything, plus the media bucket (which only the API and hosts read). */
  readonly storage: StorageConfig & { readonly mediaBucket: string };
  destroy(): void;
}

/**
 * A fresh, uniquely named set of tables, an auth bucket and a media bucket on the run's
 * embedded services (real SDK clients, real wire protocol).
 */
export async function createTestAws(label = 't'): Promise<TestAws> {
  const endpoints = (globalThis as { __zapfleetAws?: AwsEndpoints }).__zapfleetAws ?? inject('aws');
  // inject() gives undefined in a project without the global setup (unit): say so, not a TypeError later.
  if (!endpoints) throw unitLaneRefusal('createTestAws needs the embedded AWS');
  const prefix = `${label}-${randomBytes(4).toString('hex')}`;
  const resources = await createLocalResources(endpoints, prefix);
  const dynamodb = new DynamoDBClient(
    awsClientConfig({ region: endpoints.region, endpoint: endpoints.dynamodbEndpoint }),
  );
  const s3 = new S3Client(s3ClientConfig({ region: endpoints.region, endpoint: endpoints.s3Endpoint }));
  const doc = createDocumentClient(dynamodb);
  return {
    ...resources,
    dynamodb,
    doc,
    s3,
    storage: {
      region: endpoints.region,
      dynamodbEndpoint: endpoints.dynamodbEndpoint,
      s3Endpoint: endpoints.s3Endpoint,
      tables: resources.tables,
      authBucket: resources.bucket,
      mediaBucket: resources.mediaBucket,
    },
    destroy: () => {
      dynamodb.destroy();
      s3.destroy();
    },
  };
}
