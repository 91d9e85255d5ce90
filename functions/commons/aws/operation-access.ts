/**
 * What IAM authorises for one SDK request: the action and the resource each
 * part of it needs. Pure, so the operation log and its check agree on one
 * reading of the IAM rules, and it is tested as a table of cases.
 */

export type RecordedService = 'dynamodb' | 's3';

export interface OperationAccess {
  /** IAM action without the service prefix, e.g. `PutItem`, `ListBucket`. */
  readonly action: string;
  /**
   * Physical table (`name` or `name/index/Index`), bucket (`bucket`) or object
   * (`bucket/{first key segment}/`, one line per prefix rather than per object).
   */
  readonly resource: string;
  /** `s3:prefix` of a listing, shortened the same way as object keys. */
  readonly prefix?: string;
}

type Input = Record<string, unknown>;

const TRANSACT_WRITE_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

/** Transactions have no action of their own: IAM checks each item's action on its table. */
function dynamoDbAccess(operation: string, input: Input): OperationAccess[] {
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const items = (input.TransactItems ?? []) as Record<string, { TableName?: string } | undefined>[];
    return items.flatMap((item) =>
      Object.entries(item).flatMap(([kind, part]) => {
        const action = operation === 'TransactGetItems' ? 'GetItem' : TRANSACT_WRITE_ACTIONS[kind];
        return action && part?.TableName ? [{ action, resource: part.TableName }] : [];
      }),
    );
  }
  if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
    return Object.keys((input.RequestItems ?? {}) as Input).map((table) => ({
      action: operation,
      resource: table,
    }));
  }
  if (typeof input.TableName !== 'string') return [{ action: operation, resource: '*' }];
  const index = typeof input.IndexName === 'string' ? `/index/${input.IndexName}` : '';
  return [{ action: operation, resource: `${input.TableName}${index}` }];
}

/** `auth/acme/ses_1/creds.json` → `auth/`: grants are per prefix, and a line per object would be noise. */
export function keyPrefix(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash + 1);
}

const OBJECT_READS = new Set(['GetObject', 'HeadObject', 'GetObjectAttributes']);
const OBJECT_WRITES = new Set([
  'PutObject',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
]);

function s3Access(operation: string, input: Input): OperationAccess[] {
  const bucket = typeof input.Bucket === 'string' ? input.Bucket : '*';
  const object = (key: unknown): string => `${bucket}/${keyPrefix(String(key ?? ''))}`;
  const prefix = keyPrefix(String(input.Prefix ?? ''));
  if (operation === 'ListObjectsV2' || operation === 'ListObjects') {
    return [{ action: 'ListBucket', resource: bucket, prefix }];
  }
  // IAM names the version listing after the bucket, not the operation.
  if (operation === 'ListObjectVersions') return [{ action: 'ListBucketVersions', resource: bucket, prefix }];
  // Removing or reading a specific version (or delete marker) is its own action.
  const versioned = (action: string, versionId: unknown): string =>
    versionId === undefined ? action : `${action}Version`;
  if (operation === 'DeleteObjects') {
    const objects = (input.Delete as { Objects?: { Key?: string; VersionId?: string }[] } | undefined)
      ?.Objects;
    const lines = (objects ?? []).map((o) =>
      JSON.stringify({ action: versioned('DeleteObject', o.VersionId), resource: object(o.Key) }),
    );
    return [...new Set(lines)].map((line) => JSON.parse(line) as OperationAccess);
  }
  if (operation === 'DeleteObject') {
    return [{ action: versioned('DeleteObject', input.VersionId), resource: object(input.Key) }];
  }
  if (operation === 'CopyObject') {
    const source = String(input.CopySource ?? '');
    return [
      {
        action: 'GetObject',
        resource: `${source.split('/')[0]}/${keyPrefix(source.split('/').slice(1).join('/'))}`,
      },
      { action: 'PutObject', resource: object(input.Key) },
    ];
  }
  if (OBJECT_READS.has(operation)) {
    return [{ action: versioned('GetObject', input.VersionId), resource: object(input.Key) }];
  }
  if (OBJECT_WRITES.has(operation)) return [{ action: 'PutObject', resource: object(input.Key) }];
  if ('Key' in input) return [{ action: operation, resource: object(input.Key) }];
  return [{ action: operation, resource: bucket }];
}

export function operationAccess(
  service: RecordedService,
  operation: string,
  input: Input,
): OperationAccess[] {
  return service === 'dynamodb' ? dynamoDbAccess(operation, input) : s3Access(operation, input);
}
