import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The prefix every media object lives under (`media/{tenant}/{session}/{mediaId}`). */
export const MEDIA_PREFIX = 'media/';

export const DEFAULT_MEDIA_RETENTION_DAYS = 30;

export interface MediaBucketProps {
  /**
   * Days after which a media object (upload or received file) is deleted.
   * Deleting a session deletes its media at once; this bounds the rest.
   * @default 30
   */
  readonly mediaRetentionDays?: number;
  /** @default RemovalPolicy.RETAIN — tenants may still hold links to received media. */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Private, encrypted, TLS-only bucket of media in and out. Not versioned: a
 * deleted session's media must be gone, not kept as noncurrent versions. No
 * CORS: tenants upload and download with presigned URLs from their backends.
 */
export class MediaBucket extends Construct {
  readonly bucket: IBucket;

  constructor(scope: Construct, id: string, props: MediaBucketProps = {}) {
    super(scope, id);
    const days = props.mediaRetentionDays ?? DEFAULT_MEDIA_RETENTION_DAYS;
    if (!Number.isInteger(days) || days < 1)
      throw new Error(`mediaRetentionDays must be a whole number ≥ 1, got ${days}`);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [
        { id: 'expire-media', prefix: MEDIA_PREFIX, expiration: Duration.days(days) },
        // A multipart upload a host abandoned (a check failed mid-stream) would be billed forever.
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // The dashboard PUTs a picked file to its presigned upload URL from the browser. PUT only: the
      // signature still decides what may be written (anyone holding the URL can PUT it with curl); CORS
      // only lets a page send the signed content-type and read the answer. Any origin, because the
      // dashboard's (the HTTP API's) is created in a later stack. No GET: downloads are navigations.
      cors: [
        {
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: ['*'],
          allowedHeaders: ['content-type'],
          maxAge: 3600,
        },
      ],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
