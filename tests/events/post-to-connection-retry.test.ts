import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiGatewayConnectionPoster,
  managementClientConfig,
  POST_TO_CONNECTION_MAX_ATTEMPTS,
  postToConnectionBackoffMs,
  ThrottledError,
} from '#commons/events/api-gateway-poster.ts';
import { type LocalWebSocketGateway, startWebSocketGateway } from '../../infra/local/ws-gateway/gateway.ts';
import type { WebSocketLambdaEvent } from '../../infra/local/ws-gateway/lambda-events.ts';
import { connectWs } from '../support/ws-test-client.ts';

let gateway: LocalWebSocketGateway | undefined;
let client: ApiGatewayManagementApiClient | undefined;
afterEach(async () => {
  client?.destroy();
  await gateway?.stop();
  gateway = undefined;
});

/** A real management client built as the composition roots build it, against the local gateway. */
async function connected(): Promise<{
  poster: ApiGatewayConnectionPoster;
  id: string;
  received: Record<string, unknown>[];
}> {
  const ids: string[] = [];
  gateway = await startWebSocketGateway({
    port: 0,
    routes: [],
    handler: async (event: WebSocketLambdaEvent) => {
      ids.push(event.requestContext.connectionId);
      return { statusCode: 200 };
    },
  });
  const ws = await connectWs(gateway.url);
  client = new ApiGatewayManagementApiClient({
    ...managementClientConfig({ region: 'us-east-1' }),
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    endpoint: gateway.managementEndpoint,
  });
  return { poster: new ApiGatewayConnectionPoster(client), id: ids[0] as string, received: ws.messages };
}

describe('PostToConnection throttling, retried by the SDK client', () => {
  it('retries a throttled post and delivers it once', async () => {
    const { poster, id, received } = await connected();
    gateway?.throttlePosts(2);
    expect(await poster.post(id, '{"n":1}')).toBe('sent');
    expect(gateway?.postAttempts()).toBe(3);
    await expect.poll(() => received).toEqual([{ n: 1 }]);
  });

  it('gives up after its attempt limit with a typed error', async () => {
    const { poster, id, received } = await connected();
    gateway?.throttlePosts(POST_TO_CONNECTION_MAX_ATTEMPTS);
    await expect(poster.post(id, '{"n":2}')).rejects.toBeInstanceOf(ThrottledError);
    expect(gateway?.postAttempts()).toBe(POST_TO_CONNECTION_MAX_ATTEMPTS);
    expect(received).toEqual([]);
  });

  it('waits a jittered, growing delay between attempts', () => {
    expect([1, 2, 3].map((attempt) => postToConnectionBackoffMs(attempt, () => 0.5))).toEqual([50, 100, 200]);
    expect(postToConnectionBackoffMs(2, () => 0)).toBe(0);
    expect(postToConnectionBackoffMs(30, () => 0.999)).toBeLessThanOrEqual(2_000);
  });
});
