import {
  type ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { type AwsClientConfig, type AwsEndpointConfig, awsClientConfig } from '../aws/client-config.ts';
import type { ConnectionPoster, PostResult } from './ports.ts';

/** Attempts in all for one PostToConnection (the SDK retries throttling, 429 LimitExceededException, and transient errors). */
export const POST_TO_CONNECTION_MAX_ATTEMPTS = 5;
const POST_TO_CONNECTION_BASE_DELAY_MS = 50;
const POST_TO_CONNECTION_MAX_DELAY_MS = 2_000;

/**
 * Full jitter (a random share of an exponential ceiling) spreads the retries
 * of a throttled burst: every subscriber of one event is posted at once.
 */
export function postToConnectionBackoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(POST_TO_CONNECTION_MAX_DELAY_MS, POST_TO_CONNECTION_BASE_DELAY_MS * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Client options for the management API in every composition root: the SDK's
 * own retry strategy is the only retry loop around PostToConnection, so a
 * throttled post is tried at most POST_TO_CONNECTION_MAX_ATTEMPTS times.
 */
export function managementClientConfig(
  config: AwsEndpointConfig,
): AwsClientConfig & { retryStrategy: ConfiguredRetryStrategy } {
  return {
    ...awsClientConfig(config),
    maxAttempts: POST_TO_CONNECTION_MAX_ATTEMPTS,
    retryStrategy: new ConfiguredRetryStrategy(POST_TO_CONNECTION_MAX_ATTEMPTS, (attempt) =>
      postToConnectionBackoffMs(attempt - 1),
    ),
  };
}

export class ThrottledError extends Error {
  override readonly name = 'ThrottledError';
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/**
 * PostToConnection through the real management API client. A stale
 * connection answers 410; without the `x-amzn-errortype` header the SDK names
 * that error `Unknown`, so the status code is checked as well.
 */
export class ApiGatewayConnectionPoster implements ConnectionPoster {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async post(connectionId: string, payload: string): Promise<PostResult> {
    try {
      await this.client.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(payload) }),
      );
      return 'sent';
    } catch (err) {
      const status = statusOf(err);
      if (err instanceof GoneException || status === 410) return 'gone';
      if (err instanceof PayloadTooLargeException || status === 413) return 'too-large';
      if (status === 429 || (err as Error)?.name === 'LimitExceededException') {
        throw new ThrottledError('PostToConnection throttled', { cause: err });
      }
      throw err;
    }
  }

  async close(connectionId: string): Promise<void> {
    try {
      await this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    } catch (err) {
      if (err instanceof GoneException || statusOf(err) === 410) return;
      throw err;
    }
  }
}
