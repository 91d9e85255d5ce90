import { Stack, type StackProps } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { TableSet } from '../constructs/access.ts';
import { AuthBucket } from '../constructs/auth-bucket.ts';
import { ZapfleetTables } from '../constructs/tables.ts';

/** Stateful resources: every table, the auth-state bucket and the internal credential. */
export class DataStack extends Stack {
  readonly tables: ZapfleetTables;
  readonly authBucket: IBucket;
  /** Credential the control plane presents to a host's internal endpoint. */
  readonly internalToken: ISecret;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.tables = new ZapfleetTables(this, 'Tables');
    this.authBucket = new AuthBucket(this, 'Auth').bucket;
    this.internalToken = new Secret(this, 'InternalToken', {
      description: 'zapfleet: bearer token of the session hosts’ internal endpoint',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
  }

  get tableSet(): TableSet {
    return this.tables;
  }
}
