import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '#commons/storage/tables.ts';
import { type SynthesizedZapfleet, synthZapfleet } from './fixture.ts';

let z: SynthesizedZapfleet;
beforeAll(() => {
  z = synthZapfleet();
});

const keySchema = (pk: string, sk?: string) => [
  { AttributeName: pk, KeyType: 'HASH' },
  ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' }] : []),
];

describe('data stack tables', () => {
  it('creates exactly one table per shared definition', () => {
    z.data.resourceCountIs('AWS::DynamoDB::Table', Object.keys(TABLES).length);
  });

  for (const def of Object.values(TABLES)) {
    it(`builds ${def.id} from its shared definition: keys, indexes, TTL`, () => {
      const table = z.data.toJSON().Resources[z.logicalId(z.stacks.data.tables.tables[def.id])];
      expect(table.Type).toBe('AWS::DynamoDB::Table');
      const p = table.Properties;
      expect(p.KeySchema).toEqual(keySchema(def.partitionKey.name, def.sortKey?.name));
      const indexes = (p.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
      expect(indexes.map((i) => i.IndexName).sort()).toEqual(def.indexes.map((i) => i.name).sort());
      for (const index of def.indexes) {
        const gsi = indexes.find((i) => i.IndexName === index.name);
        expect(gsi?.KeySchema).toEqual(keySchema(index.partitionKey.name, index.sortKey?.name));
        expect(gsi?.Projection).toEqual({ ProjectionType: 'ALL' });
      }
      const declared = [
        def.partitionKey,
        def.sortKey,
        ...def.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
      ]
        .filter((k) => k !== undefined)
        .map((k) => ({ AttributeName: k.name, AttributeType: k.type }));
      const unique = [...new Map(declared.map((a) => [a.AttributeName, a])).values()];
      expect(p.AttributeDefinitions).toEqual(expect.arrayContaining(unique));
      expect(p.AttributeDefinitions).toHaveLength(unique.length);
      if (def.ttlAttribute) {
        expect(p.TimeToLiveSpecification).toEqual({ AttributeName: def.ttlAttribute, Enabled: true });
      } else {
        expect(p.TimeToLiveSpecification).toBeUndefined();
      }
    });
  }

  it('every table is on-demand, point-in-time recoverable, encrypted and retained on delete', () => {
    const tables = z.data.findResources('AWS::DynamoDB::Table');
    for (const table of Object.values(tables)) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
      expect(table.Properties.TableName).toBeUndefined();
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });
});

type Resource = { DeletionPolicy?: string; Properties: Record<string, unknown> };
const resourceOf = (bucket: 'authBucket' | 'mediaBucket'): Resource =>
  z.data.toJSON().Resources[z.logicalId(z.stacks.data[bucket])] as Resource;
const rulesOf = (bucket: 'authBucket' | 'mediaBucket') =>
  (resourceOf(bucket).Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;

const PRIVATE_AND_ENCRYPTED = {
  BucketEncryption: {
    ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
  },
  PublicAccessBlockConfiguration: {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  },
};

describe('auth-state bucket', () => {
  it('is encrypted, fully private, versioned, unnamed and retained', () => {
    z.data.resourceCountIs('AWS::S3::Bucket', 2);
    const bucket = resourceOf('authBucket');
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.BucketName).toBeUndefined();
    expect(bucket.Properties).toMatchObject({
      ...PRIVATE_AND_ENCRYPTED,
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  it('expires superseded versions and stale uploads', () => {
    const rules = rulesOf('authBucket');
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      ExpiredObjectDeleteMarker: true,
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    });
  });
});

describe('media bucket', () => {
  it('is encrypted, fully private, unnamed, retained, not versioned, and admits only browser PUTs by CORS', () => {
    const bucket = resourceOf('mediaBucket');
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.BucketName).toBeUndefined();
    expect(bucket.Properties).toMatchObject(PRIVATE_AND_ENCRYPTED);
    // A deleted session's media must be gone, not kept as noncurrent versions.
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    // The dashboard uploads to presigned URLs; nothing may be read cross-origin.
    expect(bucket.Properties.CorsConfiguration).toEqual({
      CorsRules: [
        { AllowedMethods: ['PUT'], AllowedOrigins: ['*'], AllowedHeaders: ['content-type'], MaxAge: 3600 },
      ],
    });
  });

  it('expires media/ after the default 30 days and aborts stale multipart uploads after a day', () => {
    expect(rulesOf('mediaBucket')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Status: 'Enabled', Prefix: 'media/', ExpirationInDays: 30 }),
        expect.objectContaining({
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        }),
      ]),
    );
  });

  it('takes mediaRetentionDays from the deployment context', () => {
    const custom = synthZapfleet({ mediaRetentionDays: 7 });
    const bucket = custom.data.toJSON().Resources[
      custom.logicalId(custom.stacks.data.mediaBucket)
    ] as Resource;
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(expect.objectContaining({ Prefix: 'media/', ExpirationInDays: 7 }));
  });
});

describe('every bucket', () => {
  it.each(['authBucket', 'mediaBucket'] as const)(
    '%s denies every request that is not over TLS 1.2+',
    (name) => {
      const policies = Object.values(z.data.findResources('AWS::S3::BucketPolicy'));
      const policy = policies.find(
        (p) => (p.Properties.Bucket as { Ref?: string }).Ref === z.logicalId(z.stacks.data[name]),
      );
      const statements = policy?.Properties.PolicyDocument.Statement as Record<string, unknown>[];
      const denies = statements.filter((s) => s.Effect === 'Deny' && s.Action === 's3:*');
      expect(denies.map((s) => s.Condition)).toEqual(
        expect.arrayContaining([
          { Bool: { 'aws:SecureTransport': 'false' } },
          { NumericLessThan: { 's3:TlsVersion': 1.2 } },
        ]),
      );
      for (const deny of denies) expect(deny.Principal).toEqual({ AWS: '*' });
    },
  );
});

describe('internal token', () => {
  it('is a generated Secrets Manager secret, never a literal', () => {
    z.data.resourceCountIs('AWS::SecretsManager::Secret', 1);
    z.data.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 48 }),
      SecretString: Match.absent(),
    });
  });
});
