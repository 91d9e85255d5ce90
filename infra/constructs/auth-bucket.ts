import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AuthBucketProps {
  /**
   * How long a noncurrent version of an auth-state object is kept. Auth
   * objects are immutable (epoch and version in the key), so a version becomes
   * noncurrent only when its object is deleted — compaction, logout, DELETE —
   * and each one holds a session's full creds: keep them as briefly as S3
   * allows. DELETE also removes versions itself; this bounds what a failed or
   * concurrent wipe leaves.
   * @default Duration.days(1)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /** @default RemovalPolicy.RETAIN — losing it logs every linked phone out. */
  readonly removalPolicy?: RemovalPolicy;
}

/** Private, encrypted, TLS-only, versioned bucket for Baileys auth state (`auth/{tenant}/{session}/…`). */
export class AuthBucket extends Construct {
  readonly bucket: IBucket;

  constructor(scope: Construct, id: string, props: AuthBucketProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-superseded-versions',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(1),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
