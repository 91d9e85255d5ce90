/**
 * Options shared by every AWS SDK client the runtime builds. Composition roots
 * pass the result to `new DynamoDBClient(...)` / `new S3Client(...)`.
 */
export interface AwsEndpointConfig {
  readonly region: string;
  /** Set for LocalStack or the embedded emulators; unset in AWS. */
  readonly endpoint?: string | undefined;
}

export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  requestChecksumCalculation: 'WHEN_REQUIRED';
  responseChecksumValidation: 'WHEN_REQUIRED';
  maxAttempts: number;
}

/**
 * The SDK's default checksum mode streams uploads with aws-chunked framing,
 * which s3rver 3.7.1 stores verbatim inside the object (silent corruption);
 * WHEN_REQUIRED is correct against AWS as well.
 */
export function awsClientConfig(config: AwsEndpointConfig): AwsClientConfig {
  const base: AwsClientConfig = {
    region: config.region,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  };
  if (!config.endpoint) return base;
  // Emulators accept any key; s3rver wants the id S3RVER. LocalStack accepts it too.
  return {
    ...base,
    endpoint: config.endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
}

export function s3ClientConfig(config: AwsEndpointConfig): AwsClientConfig & { forcePathStyle: boolean } {
  return { ...awsClientConfig(config), forcePathStyle: Boolean(config.endpoint) };
}

/**
 * Static credentials when the given environment carries them (local runtime,
 * tests), so a composition root handed an env object does not fall back to
 * the process's; in AWS the SDK's default chain is used.
 */
export function credentialsFrom(
  env: NodeJS.ProcessEnv,
): { credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } } | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return {
    credentials: {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
    },
  };
}
