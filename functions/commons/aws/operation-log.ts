/**
 * Records which DynamoDB and S3 requests a runtime issues, so a check after
 * the test suite can hold them against the IAM grants CDK synthesizes. Off
 * unless a composition root passes a directory (the test run sets one).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { type OperationAccess, operationAccess, type RecordedService } from './operation-access.ts';

/** The runtimes that hold an IAM role of their own; named by their composition roots. */
export const AWS_RUNTIMES = ['api', 'ws', 'host', 'webhooks'] as const;
export type AwsRuntime = (typeof AWS_RUNTIMES)[number];

export interface OperationRecord extends OperationAccess {
  readonly runtime: AwsRuntime;
  readonly service: RecordedService;
  /** The SDK operation (`TransactWriteItems`); `action` is what IAM checks for it. */
  readonly operation: string;
}

export interface OperationLogOptions {
  readonly runtime: AwsRuntime;
  /** Directory of the log; undefined leaves the client untouched. */
  readonly dir: string | undefined;
}

export const OPERATION_LOG_MIDDLEWARE = 'zapfleetOperationLog';

// One file per runtime and process; each distinct line written once, so a long suite stays small.
const written = new Map<string, Set<string>>();

function append(file: string, record: OperationRecord): void {
  const line = JSON.stringify(record);
  let lines = written.get(file);
  if (!lines) {
    lines = new Set();
    written.set(file, lines);
  }
  if (lines.has(line)) return;
  lines.add(line);
  appendFileSync(file, `${line}\n`);
}

type RecordedClient = DynamoDBClient | S3Client;

/** Adds a middleware that appends each request's IAM access to `{dir}/{runtime}-{pid}.jsonl`. */
export function recordAwsOperations(
  client: RecordedClient,
  service: RecordedService,
  options: OperationLogOptions,
): void {
  const { dir, runtime } = options;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${runtime}-${process.pid}.jsonl`);
  (client.middlewareStack as DynamoDBClient['middlewareStack']).add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      for (const access of operationAccess(service, operation, args.input as Record<string, unknown>)) {
        append(file, { runtime, service, operation, ...access });
      }
      return next(args);
    },
    { step: 'initialize', name: OPERATION_LOG_MIDDLEWARE, override: true },
  );
}
