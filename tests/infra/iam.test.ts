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

// Restated here on purpose (not imported from infra/stacks/grants.ts): widening a grant must fail a test.
const READ = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const READ_WRITE = [
  ...READ,
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
].sort();
const READ_SCAN = [...READ, 'dynamodb:Scan'].sort();
const READ_DELETE = [...READ, 'dynamodb:DeleteItem'].sort();
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

function listBucketCondition(statements: readonly ResolvedStatement[]): unknown {
  const list = statements.filter((s) => s.actions.includes('s3:ListBucket'));
  expect(list).toHaveLength(1);
  return list[0]?.condition;
}

describe('least privilege of the HTTP API Lambda', () => {
  it('gets exactly the table and bucket actions it uses, on its own resources', () => {
    const statements = statementsOfRole(z.api, roleOf(z.stacks.api.apiFunction.function), resolve);
    expect(accessByResource(statements)).toEqual({
      '<table:sessions>': READ_WRITE,
      '<table:sessions>/index/*': READ_WRITE,
      '<table:sessionNames>': READ_WRITE,
      '<table:hosts>': READ_SCAN,
      '<table:outbox>': READ_WRITE,
      '<table:events>': READ,
      '<bucket:auth>': ['s3:ListBucket'],
      '<bucket:auth>/auth/*': ['s3:DeleteObject'],
    });
    expect(listBucketCondition(statements)).toEqual({ StringLike: { 's3:prefix': ['auth/*'] } });
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
  it('gets its tables and ManageConnections on its own stage only', () => {
    const statements = statementsOfRole(z.api, roleOf(z.stacks.api.wsFunction.function), resolve);
    expect(accessByResource(statements)).toEqual({
      '<table:connections>': READ_WRITE,
      '<table:subscriptions>': READ_WRITE,
      '<table:subscriptions>/index/*': READ_WRITE,
      '<table:sessions>': READ,
      '<table:sessions>/index/*': READ,
      '<table:events>': READ,
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
  it('task role: its tables, auth/* objects, ManageConnections on the stage, metrics in its namespace', () => {
    const taskRole = z.logicalId(z.stacks.fleet.hosts.taskRole);
    const statements = statementsOfRole(z.fleet, taskRole, resolve);
    expect(accessByResource(statements)).toEqual({
      '<table:sessions>': READ_WRITE,
      '<table:sessions>/index/*': READ_WRITE,
      '<table:hosts>': [...READ_WRITE, 'dynamodb:Scan'].sort(),
      '<table:events>': READ_WRITE,
      '<table:outbox>': READ_WRITE,
      '<table:subscriptions>': READ_DELETE,
      '<table:subscriptions>/index/*': READ_DELETE,
      '<table:connections>': READ_DELETE,
      '<bucket:auth>': ['s3:ListBucket'],
      '<bucket:auth>/auth/*': ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
      [MANAGE_CONNECTIONS]: ['execute-api:ManageConnections'],
    });
    expect(listBucketCondition(statements)).toEqual({ StringLike: { 's3:prefix': ['auth/*'] } });
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
    const allowedStar = new Set(['ecr:GetAuthorizationToken']);
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

  it('only the three runtime roles and the ECS execution role hold inline policies', () => {
    const holders = [z.api, z.fleet, z.data, z.network, z.observability].flatMap((t) =>
      Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) =>
        (p.Properties.Roles as { Ref: string }[]).map((r) => r.Ref),
      ),
    );
    expect(holders.sort()).toEqual(
      [
        roleOf(z.stacks.api.apiFunction.function),
        roleOf(z.stacks.api.wsFunction.function),
        z.logicalId(z.stacks.fleet.hosts.taskRole),
        z.logicalId(z.stacks.fleet.hosts.taskDefinition.obtainExecutionRole()),
      ].sort(),
    );
  });
});
