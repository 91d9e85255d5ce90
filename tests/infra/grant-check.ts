/**
 * Holds AWS requests a runtime made (the operation log) against the IAM
 * statements CDK synthesized for its role: what was needed but not granted,
 * and what is granted but was never needed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OperationRecord } from '#commons/aws/operation-log.ts';
import { TABLES, type TableId } from '#commons/storage/tables.ts';
import type { ResolvedStatement } from './fixture.ts';

/** One request's need in the fixture's resolved naming: `<table:sessions>/index/byTenant`, `<bucket:auth>/auth/`. */
export interface Need {
  readonly action: string;
  readonly resource: string;
  readonly prefix?: string | undefined;
}

export function readOperationLog(dir: string): OperationRecord[] {
  const records: OperationRecord[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.trim()) records.push(JSON.parse(line) as OperationRecord);
    }
  }
  return records;
}

// Longest id first, so `sessionNames` is never read as `sessions`.
const TABLE_IDS = (Object.keys(TABLES) as TableId[]).sort((a, b) => b.length - a.length);

/** Physical table or bucket names of a test or local run (`{prefix}-{id}`) back to the fixture's names. */
export function logicalResource(record: Pick<OperationRecord, 'service' | 'resource'>): string {
  if (record.service === 'dynamodb') {
    const [table = '', ...rest] = record.resource.split('/');
    const id = TABLE_IDS.find((t) => table === t || table.endsWith(`-${t}`));
    const suffix = rest.length ? `/${rest.join('/')}` : '';
    return id ? `<table:${id}>${suffix}` : `<unknown-table:${record.resource}>`;
  }
  const [bucket = '', ...rest] = record.resource.split('/');
  const id = BUCKET_IDS.find((b) => bucket === b || bucket.endsWith(`-${b}`));
  const suffix = rest.length ? `/${rest.join('/')}` : '';
  return id ? `<bucket:${id}>${suffix}` : `<unknown-bucket:${record.resource}>`;
}

const BUCKET_IDS = ['auth', 'media'] as const;

export function needOf(record: OperationRecord): Need {
  return {
    action: `${record.service}:${record.action}`,
    resource: logicalResource(record),
    ...(record.prefix !== undefined && { prefix: record.prefix }),
  };
}

const glob = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/** Only the condition our grants use; anything else counts as not met, so an unknown one cannot pass silently. */
function conditionMet(condition: unknown, need: Need): boolean {
  if (condition === undefined) return true;
  const c = condition as Record<string, Record<string, unknown>>;
  const keys = Object.keys(c);
  const prefixes = c.StringLike?.['s3:prefix'];
  if (keys.length !== 1 || Object.keys(c.StringLike ?? {}).length !== 1 || prefixes === undefined)
    return false;
  if (need.prefix === undefined) return false;
  return ([] as string[])
    .concat(prefixes as string | string[])
    .some((p) => glob(p).test(need.prefix as string));
}

function allows(statement: ResolvedStatement, need: Need): boolean {
  return (
    statement.effect === 'Allow' &&
    statement.actions.some((a) => glob(a).test(need.action)) &&
    statement.resources.some((r) => glob(r).test(need.resource)) &&
    conditionMet(statement.condition, need)
  );
}

export function isGranted(statements: readonly ResolvedStatement[], need: Need): boolean {
  return statements.some((s) => allows(s, need));
}

const DATA_ACTION = /^(dynamodb|s3):/;
const DATA_RESOURCE = /^<(table|bucket):/;

/** Every DynamoDB/S3 action-on-resource pair the role is granted that no recorded need used. */
export function unusedGrants(statements: readonly ResolvedStatement[], needs: readonly Need[]): string[] {
  const unused = new Set<string>();
  for (const statement of statements) {
    if (statement.effect !== 'Allow') continue;
    for (const action of statement.actions.filter((a) => DATA_ACTION.test(a))) {
      for (const resource of statement.resources.filter((r) => DATA_RESOURCE.test(r))) {
        const single: ResolvedStatement = { ...statement, actions: [action], resources: [resource] };
        if (!needs.some((need) => allows(single, need))) unused.add(`${action} on ${resource}`);
      }
    }
  }
  return [...unused].sort();
}

/** Distinct needs, readable one per line: `dynamodb:PutItem on <table:sessions>`. */
export function describeNeed(need: Need): string {
  return `${need.action} on ${need.resource}${need.prefix !== undefined ? ` (prefix ${need.prefix})` : ''}`;
}
