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
   * How long a superseded version of an auth-state object is kept. Versions
   * let an operator recover a session whose state a bug overwrote; every key
   * commit supersedes an object, so they must not pile up.
   * @default Duration.days(7)
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
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(7),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
