import { Stack, type StackProps } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { TableSet } from '../constructs/access.ts';
import { AuthBucket } from '../constructs/auth-bucket.ts';
import { MediaBucket } from '../constructs/media-bucket.ts';
import { ZapfleetTables } from '../constructs/tables.ts';

export interface DataStackProps extends StackProps {
  /** @default 30 (see MediaBucket) */
  readonly mediaRetentionDays?: number;
}

/** Stateful resources: every table, the auth-state and media buckets and the internal credential. */
export class DataStack extends Stack {
  readonly tables: ZapfleetTables;
  readonly authBucket: IBucket;
  readonly mediaBucket: IBucket;
  /** Credential the control plane presents to a host's internal endpoint. */
  readonly internalToken: ISecret;

  constructor(scope: Construct, id: string, props: DataStackProps = {}) {
    const { mediaRetentionDays, ...stackProps } = props;
    super(scope, id, stackProps);
    this.tables = new ZapfleetTables(this, 'Tables');
    this.authBucket = new AuthBucket(this, 'Auth').bucket;
    this.mediaBucket = new MediaBucket(this, 'Media', {
      ...(mediaRetentionDays !== undefined && { mediaRetentionDays }),
    }).bucket;
    this.internalToken = new Secret(this, 'InternalToken', {
      description: 'zapfleet: bearer token of the session hosts’ internal endpoint',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
  }

  get tableSet(): TableSet {
    return this.tables;
  }
}
