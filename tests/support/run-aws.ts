import { resolve } from 'node:path';
import { type EmbeddedAws, startEmbeddedAws } from '../../infra/local/aws/embedded-aws.ts';

/**
 * Embedded DynamoDB and S3 for one test run or benchmark, on free ports (or
 * LocalStack when AWS_ENDPOINT_URL is set), with the jar cached in node_modules.
 */
export function startRunAws(log?: (msg: string) => void): Promise<EmbeddedAws> {
  return startEmbeddedAws({
    dynamodbPort: 0,
    s3Port: 0,
    cacheDir: resolve(
      import.meta.dirname,
      '..',
      '..',
      'node_modules',
      '.cache',
      'zapfleet',
      'dynamodb-local',
    ),
    externalEndpoint: process.env.AWS_ENDPOINT_URL,
    ...(log && { log }),
  });
}
