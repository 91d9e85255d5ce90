/**
 * Least-privilege grants expressed as data: each principal lists the tables it
 * touches and how, and gets exactly those actions on exactly those ARNs.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { TableId } from '#commons/storage/tables.ts';

/** Actions on a table's items; transactions have no action of their own (IAM checks each item's). */
export type ItemAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

/** Only reads address an index. */
export type IndexAction = 'Query' | 'Scan';

/**
 * Exactly the DynamoDB actions a principal issues on one table, named as IAM
 * names them (so review reads like the policy), and on its indexes.
 */
export interface TableGrant {
  readonly items: readonly ItemAction[];
  readonly indexes?: readonly IndexAction[];
}

export type TableGrants = Readonly<Partial<Record<TableId, TableGrant>>>;

export interface TableSet {
  readonly tables: Readonly<Record<TableId, ITable>>;
  readonly indexed: ReadonlySet<TableId>;
}

const dynamodb = (actions: readonly string[]): string[] =>
  [...new Set(actions)].sort().map((a) => `dynamodb:${a}`);

export function grantTables(grantee: IGrantable, set: TableSet, grants: TableGrants): void {
  for (const [id, grant] of Object.entries(grants) as [TableId, TableGrant][]) {
    const table = set.tables[id];
    if (grant.items.length > 0) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions: dynamodb(grant.items), resources: [table.tableArn] }),
      );
    }
    if (grant.indexes?.length) {
      if (!set.indexed.has(id))
        throw new Error(`table ${id} has no index to grant ${grant.indexes.join(', ')} on`);
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions: dynamodb(grant.indexes), resources: [`${table.tableArn}/index/*`] }),
      );
    }
  }
}

/** `deleteVersions`: a wipe of a versioned bucket removes every version and delete marker too. */
export type AuthObjectAccess = 'get' | 'put' | 'delete' | 'deleteVersions';

const OBJECT_ACTIONS: Record<AuthObjectAccess, string> = {
  get: 's3:GetObject',
  put: 's3:PutObject',
  delete: 's3:DeleteObject',
  deleteVersions: 's3:DeleteObjectVersion',
};

/** Media objects: no versions (the bucket is not versioned); a host aborts a streamed upload that failed a check. */
export type MediaObjectAccess = 'get' | 'put' | 'delete' | 'abortMultipart';

const MEDIA_OBJECT_ACTIONS: Record<MediaObjectAccess, string> = {
  get: 's3:GetObject',
  put: 's3:PutObject',
  delete: 's3:DeleteObject',
  abortMultipart: 's3:AbortMultipartUpload',
};

/**
 * Object actions under `prefix*`, and ListBucket restricted to that prefix
 * only for a principal that deletes (a wipe lists what it removes).
 */
export function grantMediaPrefix(
  grantee: IGrantable,
  bucket: IBucket,
  prefix: string,
  access: readonly MediaObjectAccess[],
): void {
  if (access.includes('delete')) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
    );
  }
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: access.map((a) => MEDIA_OBJECT_ACTIONS[a]).sort(),
      resources: [bucket.arnForObjects(`${prefix}*`)],
    }),
  );
}

/** Object actions under `prefix*` and ListBucket restricted to that prefix. */
export function grantBucketPrefix(
  grantee: IGrantable,
  bucket: IBucket,
  prefix: string,
  access: readonly AuthObjectAccess[],
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: access.includes('deleteVersions')
        ? ['s3:ListBucket', 's3:ListBucketVersions']
        : ['s3:ListBucket'],
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
