/**
 * Least-privilege grants expressed as data: each principal lists the tables it
 * touches and how, and gets exactly those actions on exactly those ARNs.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { TableId } from '#commons/storage/tables.ts';

/**
 * Transactions need no action of their own: TransactWriteItems is authorised
 * per item by PutItem/UpdateItem/DeleteItem/ConditionCheckItem.
 */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  /** Only for small tables read whole (the host registry). */
  scan: ['dynamodb:Scan'],
  write: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
  /** Removing records another component wrote (a stale connection after 410 Gone). */
  delete: ['dynamodb:DeleteItem'],
} as const;

export type TableAccessLevel = keyof typeof TABLE_ACTIONS;
export type TableGrants = Readonly<Partial<Record<TableId, readonly TableAccessLevel[]>>>;

export interface TableSet {
  readonly tables: Readonly<Record<TableId, ITable>>;
  readonly indexed: ReadonlySet<TableId>;
}

export function grantTables(grantee: IGrantable, set: TableSet, grants: TableGrants): void {
  for (const [id, levels] of Object.entries(grants) as [TableId, readonly TableAccessLevel[]][]) {
    const table = set.tables[id];
    const actions = [...new Set(levels.flatMap((level) => TABLE_ACTIONS[level]))].sort();
    const queriesIndexes =
      set.indexed.has(id) && actions.some((a) => a === 'dynamodb:Query' || a === 'dynamodb:Scan');
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions,
        resources: queriesIndexes ? [table.tableArn, `${table.tableArn}/index/*`] : [table.tableArn],
      }),
    );
  }
}

export type AuthObjectAccess = 'get' | 'put' | 'delete';

const OBJECT_ACTIONS: Record<AuthObjectAccess, string> = {
  get: 's3:GetObject',
  put: 's3:PutObject',
  delete: 's3:DeleteObject',
};

/** Object actions under `prefix*` and ListBucket restricted to that prefix. */
export function grantBucketPrefix(
  grantee: IGrantable,
  bucket: IBucket,
  prefix: string,
  access: readonly AuthObjectAccess[],
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
    }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: access.map((a) => OBJECT_ACTIONS[a]).sort(),
      resources: [bucket.arnForObjects(`${prefix}*`)],
    }),
  );
}
