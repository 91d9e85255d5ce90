import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { awsClientConfig, s3ClientConfig } from '#commons/aws/client-config.ts';
import { ENV } from '#commons/config/env-names.ts';
import { localTableNames, resourceEnvironment, type TableNames } from '#commons/storage/tables.ts';
import { bootstrapResources } from './bootstrap.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { freePort } from './ports.ts';
import { startS3Local } from './s3-local.ts';

export interface EmbeddedAwsOptions {
  /** 0 picks a free port. */
  readonly dynamodbPort: number;
  readonly s3Port: number;
  /** Where the DynamoDB Local jar is cached between runs. */
  readonly cacheDir: string;
  readonly region?: string;
  readonly log?: (msg: string) => void;
  /** When set (LocalStack), nothing is started and resources are created there. */
  readonly externalEndpoint?: string | undefined;
}

/** Where the AWS-compatible services answer; plain data, so test workers can receive it. */
export interface AwsEndpoints {
  readonly region: string;
  readonly dynamodbEndpoint: string;
  readonly s3Endpoint: string;
  /** True when the endpoints belong to something we did not start (LocalStack). */
  readonly external: boolean;
  /** Environment for a runtime process (SDK endpoints, region, quiet SDK). */
  readonly env: Record<string, string>;
}

export interface EmbeddedAws extends AwsEndpoints {
  stop(): Promise<void>;
}

/**
 * The single entry that `npm start` and the test global setup use to get
 * AWS-compatible DynamoDB and S3 on this machine (or LocalStack, when
 * AWS_ENDPOINT_URL is set).
 */
export async function startEmbeddedAws(options: EmbeddedAwsOptions): Promise<EmbeddedAws> {
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? (() => undefined);
  const environment = (dynamodbEndpoint: string, s3Endpoint: string): Record<string, string> => ({
    [ENV.region]: region,
    [ENV.endpointDynamoDb]: dynamodbEndpoint,
    [ENV.endpointS3]: s3Endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  });
  if (options.externalEndpoint) {
    const endpoint = options.externalEndpoint;
    log(`using external AWS endpoint ${endpoint}; nothing started`);
    return {
      region,
      dynamodbEndpoint: endpoint,
      s3Endpoint: endpoint,
      external: true,
      env: environment(endpoint, endpoint),
      stop: async () => undefined,
    };
  }
  const [dynamodbPort, s3Port] = await Promise.all([
    options.dynamodbPort || freePort(),
    options.s3Port || freePort(),
  ]);
  const [dynamodb, s3] = await Promise.allSettled([
    startDynamoDbLocal({ port: dynamodbPort, cacheDir: options.cacheDir, log }),
    startS3Local(s3Port),
  ]);
  if (dynamodb.status === 'rejected' || s3.status === 'rejected') {
    if (dynamodb.status === 'fulfilled') await dynamodb.value.stop();
    if (s3.status === 'fulfilled') await s3.value.stop();
    throw dynamodb.status === 'rejected' ? dynamodb.reason : (s3 as PromiseRejectedResult).reason;
  }
  log(`dynamodb local on ${dynamodb.value.endpoint}, s3rver on ${s3.value.endpoint}`);
  return {
    region,
    dynamodbEndpoint: dynamodb.value.endpoint,
    s3Endpoint: s3.value.endpoint,
    external: false,
    env: environment(dynamodb.value.endpoint, s3.value.endpoint),
    stop: async () => {
      await Promise.all([dynamodb.value.stop(), s3.value.stop()]);
    },
  };
}

export interface LocalResources {
  readonly tables: TableNames;
  readonly bucket: string;
  /** The media bucket (`media/{tenant}/{session}/{mediaId}`). */
  readonly mediaBucket: string;
  /** Everything a runtime process needs in its environment to find them. */
  readonly env: Record<string, string>;
}

/** Creates a namespaced set of tables, the auth bucket and the media bucket on the given endpoints. */
export async function createLocalResources(aws: AwsEndpoints, prefix: string): Promise<LocalResources> {
  const tables = localTableNames(prefix);
  const bucket = `${prefix}-auth`.toLowerCase();
  const mediaBucket = `${prefix}-media`.toLowerCase();
  const dynamodb = new DynamoDBClient(
    awsClientConfig({ region: aws.region, endpoint: aws.dynamodbEndpoint }),
  );
  const s3 = new S3Client(s3ClientConfig({ region: aws.region, endpoint: aws.s3Endpoint }));
  try {
    await bootstrapResources({ dynamodb, s3 }, { tables, bucket, mediaBucket });
  } finally {
    dynamodb.destroy();
    s3.destroy();
  }
  return {
    tables,
    bucket,
    mediaBucket,
    env: { ...aws.env, ...resourceEnvironment(tables, bucket, mediaBucket) },
  };
}
