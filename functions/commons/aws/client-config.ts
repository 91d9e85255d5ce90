/**
 * Options shared by every AWS SDK client the runtime builds. Composition roots
 * pass the result to `new DynamoDBClient(...)` / `new S3Client(...)`.
 */
export interface AwsEndpointConfig {
  readonly region: string;
  /** Set for LocalStack or the embedded emulators; unset in AWS. */
  readonly endpoint?: string | undefined;
}

/** Longest wait for a TCP (and TLS) connection to an AWS endpoint. */
export const AWS_CONNECTION_TIMEOUT_MS = 3_000;
/**
 * Longest wait from sending a request to its response headers, and longest
 * silence while a body streams. Each attempt has it; the SDK retries a timeout
 * like any transient error, up to `AWS_MAX_ATTEMPTS`.
 */
export const AWS_REQUEST_TIMEOUT_MS = 10_000;
export const AWS_MAX_ATTEMPTS = 3;

export interface AwsTimeouts {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

export const AWS_TIMEOUTS: AwsTimeouts = {
  connectionTimeoutMs: AWS_CONNECTION_TIMEOUT_MS,
  requestTimeoutMs: AWS_REQUEST_TIMEOUT_MS,
};

/** The `requestHandler` shorthand every v3 client accepts: options of its NodeHttpHandler. */
export interface AwsRequestHandlerOptions {
  connectionTimeout: number;
  requestTimeout: number;
  /**
   * @smithy/node-http-handler 4.14 only logs a warning when `requestTimeout`
   * passes unless this is set; the idle-socket timeout covers a stalled body.
   */
  throwOnRequestTimeout: true;
  socketTimeout: number;
}

export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  requestChecksumCalculation: 'WHEN_REQUIRED';
  responseChecksumValidation: 'WHEN_REQUIRED';
  maxAttempts: number;
  requestHandler: AwsRequestHandlerOptions;
}

/**
 * The SDK's default checksum mode streams uploads with aws-chunked framing,
 * which s3rver 3.7.1 stores verbatim inside the object (silent corruption);
 * WHEN_REQUIRED is correct against AWS as well.
 */
export function awsClientConfig(
  config: AwsEndpointConfig,
  timeouts: AwsTimeouts = AWS_TIMEOUTS,
): AwsClientConfig {
  const base: AwsClientConfig = {
    region: config.region,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: AWS_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: timeouts.requestTimeoutMs,
    },
  };
  if (!config.endpoint) return base;
  // Emulators accept any key; s3rver wants the id S3RVER. LocalStack accepts it too.
  return {
    ...base,
    endpoint: config.endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
}

export function s3ClientConfig(
  config: AwsEndpointConfig,
  timeouts: AwsTimeouts = AWS_TIMEOUTS,
): AwsClientConfig & { forcePathStyle: boolean } {
  return { ...awsClientConfig(config, timeouts), forcePathStyle: Boolean(config.endpoint) };
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
