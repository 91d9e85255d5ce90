import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ENV } from '#commons/config/env-names.ts';
import type { AwsEndpoints } from '../../infra/local/aws/embedded-aws.ts';
import { startRunAws } from './run-aws.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    aws: AwsEndpoints;
    /** Where every runtime of this run records its DynamoDB/S3 requests (checked after the suite). */
    awsOperationLog: string;
  }
}

/**
 * Starts DynamoDB Local and s3rver once for the whole run (or uses LocalStack
 * when AWS_ENDPOINT_URL is set). Each test file then creates its own
 * namespaced tables, so files run in parallel without sharing state.
 *
 * Also turns on the AWS operation log for the run: through `aws.env` for
 * composition roots handed an environment, and through this process's
 * environment for everything spawned (workers, hosts, the demo).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // Projects inherit the root's context and environment; only the root starts anything.
  if (!project.isRootProject()) return undefined;
  const operationLog = mkdtempSync(join(tmpdir(), 'zapfleet-aws-ops-'));
  process.env[ENV.awsOperationLog] = operationLog;
  const aws = await startRunAws((msg) => console.log(`[embedded-aws] ${msg}`));
  const { stop, ...endpoints } = aws;
  project.provide('aws', { ...endpoints, env: { ...endpoints.env, [ENV.awsOperationLog]: operationLog } });
  project.provide('awsOperationLog', operationLog);
  return async () => {
    await stop();
    rmSync(operationLog, { recursive: true, force: true });
  };
}
