import {
  type ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionPoster, PostResult } from './ports.ts';

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
