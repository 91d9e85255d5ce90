import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accessByResource,
  createResolver,
  type ResolvedStatement,
  type SynthesizedZapfleet,
  statementsOfRole,
  synthZapfleet,
} from './fixture.ts';
import { isGranted } from './grant-check.ts';

// Table and bucket actions are checked against what the runtimes actually request, after the
// whole suite (tests/after-suite/aws-grants.test.ts); this file checks the rest of each role.
const MANAGE_CONNECTIONS =
  'arn:{AWS::Partition}:execute-api:{AWS::Region}:{AWS::AccountId}:<wsApi>/live/*/@connections/*';

let z: SynthesizedZapfleet;
let resolve: (value: unknown) => string;

beforeAll(() => {
  z = synthZapfleet();
  resolve = createResolver(z);
});

const roleOf = (construct: IConstruct & { role?: IConstruct | undefined }): string => {
  if (!construct.role) throw new Error('construct has no role');
  return z.logicalId(construct.role);
};

function listBucketCondition(statements: readonly ResolvedStatement[], bucket = '<bucket:auth>'): unknown {
  const list = statements.filter((s) => s.actions.includes('s3:ListBucket') && s.resources.includes(bucket));
  expect(list).toHaveLength(1);
  return list[0]?.condition;
}

/** Everything but tables and the bucket: those are held against recorded requests after the suite. */
function nonDataAccess(statements: readonly ResolvedStatement[]): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(accessByResource(statements)).filter(
      ([resource]) => !resource.startsWith('<table:') && !resource.startsWith('<bucket:'),
    ),
  );
}

describe('grants on indexes', () => {
  it('allow only reads: an index cannot be written', () => {
    const writes: string[] = [];
    for (const template of [z.api, z.fleet]) {
      for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
        for (const st of policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]) {
          const resources = ([] as unknown[]).concat(st.Resource).map(resolve);
          if (!resources.some((r) => r.includes('/index/'))) continue;
          const actions = ([] as string[]).concat(st.Action as string | string[]);
          writes.push(...actions.filter((a) => a !== 'dynamodb:Query' && a !== 'dynamodb:Scan'));
        }
      }
    }
    expect(writes).toEqual([]);
  });
});

describe('least privilege of the HTTP API Lambda', () => {
  it('reads the internal-token secret (GetSecretValue only) and lists auth/* only', () => {
    const statements = statementsOfRole(z.api, roleOf(z.stacks.api.apiFunction.function), resolve);
    expect(nonDataAccess(statements)).toEqual({
      '<secret:internalToken>': ['secretsmanager:GetSecretValue'],
    });
    expect(listBucketCondition(statements)).toEqual({ StringLike: { 's3:prefix': ['auth/*'] } });
  });

  it('presigns, reads and (with the session) deletes media/* objects, lists media/* only', () => {
    const statements = statementsOfRole(z.api, roleOf(z.stacks.api.apiFunction.function), resolve);
    const access = accessByResource(statements);
    expect(access['<bucket:media>/media/*']).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    expect(access['<bucket:media>']).toEqual(['s3:ListBucket']);
    expect(listBucketCondition(statements, '<bucket:media>')).toEqual({
      StringLike: { 's3:prefix': ['media/*'] },
    });
  });

  it('runs in the VPC with the managed VPC-access policy and basic logging only', () => {
    const role = z.api.toJSON().Resources[roleOf(z.stacks.api.apiFunction.function)];
    const managed = (role.Properties.ManagedPolicyArns as unknown[]).map(resolve).sort();
    expect(managed).toEqual([
      'arn:{AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'arn:{AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    ]);
  });
});

describe('least privilege of the WebSocket Lambda', () => {
  it('gets ManageConnections on its own stage only besides its tables', () => {
    const statements = statementsOfRole(z.api, roleOf(z.stacks.api.wsFunction.function), resolve);
    expect(nonDataAccess(statements)).toEqual({
      [MANAGE_CONNECTIONS]: ['execute-api:ManageConnections'],
    });
  });

  it('has no bucket and no secret access', () => {
    const statements = statementsOfRole(z.api, roleOf(z.stacks.api.wsFunction.function), resolve);
    const touched = statements.flatMap((s) => s.resources);
    expect(touched.some((r) => r.includes('<bucket:') || r.includes('<secret:'))).toBe(false);
  });
});

describe('least privilege of the session host', () => {
  it('task role: ManageConnections on the stage besides its tables and auth/* objects', () => {
    const taskRole = z.logicalId(z.stacks.fleet.hosts.taskRole);
    const statements = statementsOfRole(z.fleet, taskRole, resolve);
    expect(nonDataAccess(statements)).toEqual({
      [MANAGE_CONNECTIONS]: ['execute-api:ManageConnections'],
    });
    expect(listBucketCondition(statements)).toEqual({ StringLike: { 's3:prefix': ['auth/*'] } });
  });

  it('task role reads and writes media/* objects (aborting a failed upload) and neither lists nor deletes them', () => {
    const statements = statementsOfRole(z.fleet, z.logicalId(z.stacks.fleet.hosts.taskRole), resolve);
    const access = accessByResource(statements);
    expect(access['<bucket:media>/media/*']).toEqual([
      's3:AbortMultipartUpload',
      's3:GetObject',
      's3:PutObject',
    ]);
    expect(access['<bucket:media>']).toBeUndefined();
  });

  it('task role may remove a connection after 410 the way the connection store does', () => {
    const statements = statementsOfRole(z.fleet, z.logicalId(z.stacks.fleet.hosts.taskRole), resolve);
    // DynamoDbConnectionStore.removeConnection: the connection by key, its subscriptions in batches.
    expect(isGranted(statements, { action: 'dynamodb:DeleteItem', resource: '<table:connections>' })).toBe(
      true,
    );
    expect(
      isGranted(statements, {
        action: 'dynamodb:Query',
        resource: '<table:subscriptions>/index/byConnection',
      }),
    ).toBe(true);
    expect(
      isGranted(statements, { action: 'dynamodb:BatchWriteItem', resource: '<table:subscriptions>' }),
    ).toBe(true);
  });

  it('task role never reads the internal token; only the execution role does, and only that secret', () => {
    const taskRole = z.logicalId(z.stacks.fleet.hosts.taskRole);
    const taskTouched = statementsOfRole(z.fleet, taskRole, resolve).flatMap((s) => s.actions);
    expect(taskTouched.some((a) => a.startsWith('secretsmanager:'))).toBe(false);

    const executionRole = z.logicalId(z.stacks.fleet.hosts.taskDefinition.obtainExecutionRole());
    const access = accessByResource(statementsOfRole(z.fleet, executionRole, resolve));
    expect(access['<secret:internalToken>']).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    expect(access['<logs:hosts>']).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    // ECR's token call has no resource-level permission: the one `*` AWS requires here.
    expect(access['*']).toEqual(['ecr:GetAuthorizationToken']);
  });
});

describe('no wildcard grants anywhere', () => {
  it('no statement uses a service-wide action or a `*` resource outside the allowed exceptions', () => {
    // dynamodb:ListStreams has no resource-level permission; the stream event source mapping needs it.
    const allowedStar = new Set(['ecr:GetAuthorizationToken', 'dynamodb:ListStreams']);
    const offenders: string[] = [];
    for (const template of [z.data, z.network, z.api, z.fleet, z.observability]) {
      for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
        for (const st of policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]) {
          const actions = ([] as string[]).concat(st.Action as string | string[]);
          const resources = ([] as unknown[]).concat(st.Resource);
          if (actions.some((a) => a === '*' || a.endsWith(':*')))
            offenders.push(`${id}: ${actions.join(',')}`);
          if (resources.includes('*') && !actions.every((a) => allowedStar.has(a))) {
            offenders.push(`${id}: * for ${actions.join(',')}`);
          }
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('only the four runtime roles and the ECS execution role hold inline policies', () => {
    const holders = [z.api, z.fleet, z.data, z.network, z.observability].flatMap((t) =>
      Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) =>
        (p.Properties.Roles as { Ref: string }[]).map((r) => r.Ref),
      ),
    );
    expect(holders.sort()).toEqual(
      [
        roleOf(z.stacks.api.apiFunction.function),
        roleOf(z.stacks.api.wsFunction.function),
        roleOf(z.stacks.api.webhooks.fn.function),
        z.logicalId(z.stacks.fleet.hosts.taskRole),
        z.logicalId(z.stacks.fleet.hosts.taskDefinition.obtainExecutionRole()),
      ].sort(),
    );
  });
});
