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

interface RunAws {
  readonly endpoints: AwsEndpoints;
  readonly operationLog: string;
  readonly stop: () => Promise<void>;
}

interface SharedRun {
  started: Promise<RunAws>;
  users: number;
}

// vitest loads this file once per project (each project has its own module runner), so the
// one run-wide start lives on the main process's globalThis, not in a module variable.
const SHARED = Symbol.for('zapfleet.tests.run-aws');
type WithShared = typeof globalThis & { [SHARED]?: SharedRun };

async function start(): Promise<RunAws> {
  const operationLog = mkdtempSync(join(tmpdir(), 'zapfleet-aws-ops-'));
  process.env[ENV.awsOperationLog] = operationLog;
  const aws = await startRunAws((msg) => console.log(`[embedded-aws] ${msg}`));
  const { stop, ...rest } = aws;
  const endpoints = { ...rest, env: { ...rest.env, [ENV.awsOperationLog]: operationLog } };
  return {
    endpoints,
    operationLog,
    stop: async () => {
      await stop();
      rmSync(operationLog, { recursive: true, force: true });
    },
  };
}

/**
 * Starts DynamoDB Local and s3rver once for the whole run (or uses LocalStack
 * when AWS_ENDPOINT_URL is set). Each test file then creates its own
 * namespaced tables, so files run in parallel without sharing state.
 *
 * Only the projects that list this file (integration, e2e, after-suite) run
 * it, and vitest runs a project's global setup only when one of its files is
 * selected: `npm run test:unit` starts nothing. Every such project shares the
 * one start and is handed the same endpoints; the last teardown stops it.
 *
 * Also turns on the AWS operation log for the run: through `aws.env` for
 * composition roots handed an environment, and through this process's
 * environment for everything spawned (workers, hosts, the demo).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const g = globalThis as WithShared;
  g[SHARED] ??= { started: start(), users: 0 };
  const shared = g[SHARED];
  shared.users += 1;
  const run = await shared.started;
  project.provide('aws', run.endpoints);
  project.provide('awsOperationLog', run.operationLog);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete g[SHARED];
    await run.stop();
  };
}
