import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { AWS_RUNTIMES, type AwsRuntime, type OperationRecord } from '#commons/aws/operation-log.ts';
import {
  createResolver,
  type ResolvedStatement,
  type SynthesizedZapfleet,
  statementsOfRole,
  synthZapfleet,
} from '../infra/fixture.ts';
import {
  describeNeed,
  isGranted,
  type Need,
  needOf,
  readOperationLog,
  unusedGrants,
} from '../infra/grant-check.ts';

/**
 * Runs after every other test file (vitest.config.ts: its own project, a
 * higher `sequence.groupOrder`). Every DynamoDB/S3 request a runtime's
 * composition root issued during the run must be granted to that runtime's
 * role in the synthesized template, and every data grant must have been used.
 * Run alone (`npx vitest run tests/after-suite`) it has nothing to read and fails.
 */

/**
 * Granted on purpose although the suite never issues them, each with its reason.
 * Anything else granted and unused fails: trim the grant in infra/stacks/grants.ts.
 */
// The API's routes are mostly tested through tests/api/support/api-harness.ts, which wires
// createApp with the test's own clients rather than composeApi, so they record nothing.
const THROUGH_HARNESS = 'route tested through the API harness (not the composition root)';
const THROUGH_WEBHOOK_API = 'tested through createApp in tests/webhooks/webhook-api.test.ts';
// In AWS the event source mapping reads the stream with the function's role; locally the poller
// reads it on a client of its own, so the dispatcher's recorded requests stay those of the Lambda.
const STREAM_BY_MAPPING = 'the events stream, read by the Lambda event source mapping';
// The media grants (API: presign, HEAD/sniff, wipe; host: send and store) are used by
// tests/e2e/media-flow.test.ts, which drives the demo's API and host processes.
const KEPT_UNUSED: Readonly<Record<AwsRuntime, Readonly<Record<string, string>>>> = {
  api: {
    'dynamodb:GetItem on <table:events>': `event-log replay: ${THROUGH_HARNESS}`,
    'dynamodb:Query on <table:events>': `event-log replay: ${THROUGH_HARNESS}`,
    'dynamodb:UpdateItem on <table:events>': `DELETE retires the seq counter: ${THROUGH_HARNESS}`,
    'dynamodb:PutItem on <table:tenants>': `MASTER quota overrides: ${THROUGH_HARNESS}`,
    'dynamodb:ConditionCheckItem on <table:sessions>': `repair of a tenant's running set: ${THROUGH_HARNESS}`,
    'dynamodb:GetItem on <table:outbox>': `a send retried with its idempotency key: ${THROUGH_HARNESS}`,
    'dynamodb:UpdateItem on <table:outbox>': `the sync send's lease and mark (mode sync): ${THROUGH_HARNESS}`,
    'dynamodb:GetItem on <table:webhooks>': `webhook endpoints: ${THROUGH_WEBHOOK_API}`,
    'dynamodb:Query on <table:webhooks>': `webhook endpoints: ${THROUGH_WEBHOOK_API}`,
    'dynamodb:PutItem on <table:webhooks>': `webhook endpoints: ${THROUGH_WEBHOOK_API}`,
    'dynamodb:UpdateItem on <table:webhooks>': `webhook endpoints: ${THROUGH_WEBHOOK_API}`,
    'dynamodb:DeleteItem on <table:webhooks>': `webhook endpoints: ${THROUGH_WEBHOOK_API}`,
    'dynamodb:Query on <table:webhookCursors>': `re-enable and replay: ${THROUGH_WEBHOOK_API}`,
    'dynamodb:UpdateItem on <table:webhookCursors>': `re-enable and replay: ${THROUGH_WEBHOOK_API}`,
    'dynamodb:Query on <table:webhookDeliveries>': `delivery listing: ${THROUGH_WEBHOOK_API}`,
    'dynamodb:UpdateItem on <table:webhookDeliveries>': `replayed dead letters: ${THROUGH_WEBHOOK_API}`,
    's3:ListBucketVersions on <bucket:auth>':
      'the wipe of a versioned bucket: the embedded S3 has no versioning',
    's3:DeleteObjectVersion on <bucket:auth>/auth/*':
      'the wipe of a versioned bucket: the embedded S3 has no versioning',
  },
  ws: {
    'dynamodb:DeleteItem on <table:subscriptions>':
      'the unsubscribe action: tested through the WebSocket harness',
    'dynamodb:UpdateItem on <table:connections>':
      'the replay rate count: tested through the WebSocket harness',
  },
  host: {
    's3:ListBucketVersions on <bucket:auth>':
      'the logout wipe of a versioned bucket: the embedded S3 has no versioning',
    's3:DeleteObjectVersion on <bucket:auth>/auth/*':
      'the logout wipe of a versioned bucket: the embedded S3 has no versioning',
    's3:AbortMultipartUpload on <bucket:media>/media/*':
      'a received file failing a check mid-stream after its first part (the test files fit one part)',
  },
  webhooks: {
    'dynamodb:DescribeStream on <table:events>.StreamArn': STREAM_BY_MAPPING,
    'dynamodb:GetShardIterator on <table:events>.StreamArn': STREAM_BY_MAPPING,
    'dynamodb:GetRecords on <table:events>.StreamArn': STREAM_BY_MAPPING,
  },
};

let z: SynthesizedZapfleet;
let records: OperationRecord[];
let statements: Record<AwsRuntime, ResolvedStatement[]>;

const roleOf = (construct: IConstruct & { role?: IConstruct | undefined }): string => {
  if (!construct.role) throw new Error('construct has no role');
  return z.logicalId(construct.role);
};

const needsOf = (runtime: AwsRuntime): Need[] => {
  const byLine = new Map<string, Need>();
  for (const r of records.filter((r) => r.runtime === runtime)) {
    const need = needOf(r);
    byLine.set(describeNeed(need), need);
  }
  return [...byLine.values()];
};

beforeAll(() => {
  records = readOperationLog(inject('awsOperationLog'));
  z = synthZapfleet();
  const resolve = createResolver(z);
  statements = {
    api: statementsOfRole(z.api, roleOf(z.stacks.api.apiFunction.function), resolve),
    ws: statementsOfRole(z.api, roleOf(z.stacks.api.wsFunction.function), resolve),
    host: statementsOfRole(z.fleet, z.logicalId(z.stacks.fleet.hosts.taskRole), resolve),
    webhooks: statementsOfRole(z.api, roleOf(z.stacks.api.webhooks.fn.function), resolve),
  };
});

describe('IAM grants against the AWS requests the test suite made', () => {
  it('recorded requests from every runtime (an empty log means recording is broken, not that all is granted)', () => {
    const seen = new Set(records.map((r) => r.runtime));
    expect(
      AWS_RUNTIMES.filter((r) => !seen.has(r)),
      `runtimes without a recorded request in ${inject('awsOperationLog')}; run the whole suite (npm test)`,
    ).toEqual([]);
  });

  it.each(AWS_RUNTIMES)('%s: every request it made is granted to its role', (runtime) => {
    const denied = needsOf(runtime)
      .filter((need) => !isGranted(statements[runtime], need))
      .map(describeNeed)
      .sort();
    expect(denied, `${runtime} made requests its role is not granted (infra/stacks/grants.ts)`).toEqual([]);
  });

  it.each(AWS_RUNTIMES)('%s: every data grant of its role was used, or is kept with a reason', (runtime) => {
    const unused = unusedGrants(statements[runtime], needsOf(runtime)).filter(
      (grant) => !(grant in KEPT_UNUSED[runtime]),
    );
    expect(
      unused,
      `${runtime} is granted actions the suite never used: trim them or keep them with a reason`,
    ).toEqual([]);
  });

  it.each(AWS_RUNTIMES)('%s: every grant kept unused is still granted', (runtime) => {
    const granted = new Set(unusedGrants(statements[runtime], []));
    expect(Object.keys(KEPT_UNUSED[runtime]).filter((g) => !granted.has(g))).toEqual([]);
  });
});
