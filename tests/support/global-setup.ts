import type { TestProject } from 'vitest/node';
import type { AwsEndpoints } from '../../infra/local/aws/embedded-aws.ts';
import { startRunAws } from './run-aws.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    aws: AwsEndpoints;
  }
}

/**
 * Starts DynamoDB Local and s3rver once for the whole run (or uses LocalStack
 * when AWS_ENDPOINT_URL is set). Each test file then creates its own
 * namespaced tables, so files run in parallel without sharing state.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const aws = await startRunAws((msg) => console.log(`[embedded-aws] ${msg}`));
  const { stop, ...endpoints } = aws;
  project.provide('aws', endpoints);
  return stop;
}
