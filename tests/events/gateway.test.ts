import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalWebSocketGateway, startWebSocketGateway } from '../../infra/local/ws-gateway/gateway.ts';
import type { WebSocketLambdaEvent } from '../../infra/local/ws-gateway/lambda-events.ts';
import { connectWs } from '../support/ws-test-client.ts';

let gateway: LocalWebSocketGateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

function recorder() {
  const events: WebSocketLambdaEvent[] = [];
  const handler = async (event: WebSocketLambdaEvent) => {
    events.push(event);
    if (event.requestContext.routeKey === '$connect' && event.queryStringParameters?.token !== 'good') {
      return { statusCode: 401 };
    }
    return { statusCode: 200 };
  };
  return { events, handler };
}

const management = (endpoint: string) =>
  new ApiGatewayManagementApiClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });

describe('local API Gateway WebSocket emulator', () => {
  it('runs $connect before the upgrade and rejects the handshake with its status', async () => {
    const { events, handler } = recorder();
    gateway = await startWebSocketGateway({ port: 0, handler, routes: ['subscribe'] });
    await expect(connectWs(`${gateway.url}?token=bad`)).rejects.toMatchObject({ statusCode: 401 });
    expect(events.map((e) => e.requestContext.routeKey)).toEqual(['$connect']);
    expect(events[0]?.queryStringParameters).toEqual({ token: 'bad' });
    expect(gateway.connectionCount()).toBe(0);
  });

  it('selects routes by action, falls back to $default, and sends AWS-shaped events', async () => {
    const { events, handler } = recorder();
    gateway = await startWebSocketGateway({ port: 0, handler, routes: ['subscribe'] });
    const client = await connectWs(`${gateway.url}?token=good`);
    client.send({ action: 'subscribe', sessionId: 's' });
    client.send({ action: 'nope' });
    client.send('not json');
    await client.close();
    await expect.poll(() => events.length).toBe(5);
    expect(events.map((e) => e.requestContext.routeKey)).toEqual([
      '$connect',
      'subscribe',
      '$default',
      '$default',
      '$disconnect',
    ]);
    const [connect, message, , , disconnect] = events;
    expect(connect?.requestContext).toMatchObject({ eventType: 'CONNECT', stage: 'local' });
    expect(message?.requestContext).toMatchObject({ eventType: 'MESSAGE', messageDirection: 'IN' });
    expect(message?.body).toBe(JSON.stringify({ action: 'subscribe', sessionId: 's' }));
    expect(disconnect?.requestContext).toMatchObject({ eventType: 'DISCONNECT', disconnectStatusCode: 1005 });
    const ids = new Set(events.map((e) => e.requestContext.connectionId));
    expect(ids.size).toBe(1);
  });

  it('serves PostToConnection, GetConnection and DeleteConnection to the real SDK client', async () => {
    const { events, handler } = recorder();
    gateway = await startWebSocketGateway({ port: 0, handler, routes: [] });
    const client = await connectWs(`${gateway.url}?token=good`);
    const id = events[0]?.requestContext.connectionId as string;
    const sdk = management(gateway.managementEndpoint);
    await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('{"hello":1}') }));
    await client.waitFor((m) => m.hello === 1);
    const info = await sdk.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    await sdk.send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect((await client.closed).code).toBe(1000);
    sdk.destroy();
  });

  it('answers 410 GoneException for a stale connection id, with the header the SDK needs', async () => {
    const { handler } = recorder();
    gateway = await startWebSocketGateway({ port: 0, handler, routes: [] });
    const sdk = management(gateway.managementEndpoint);
    const post = sdk.send(
      new PostToConnectionCommand({ ConnectionId: 'L0SM9cOFvHcCIhw=', Data: Buffer.from('x') }),
    );
    await expect(post).rejects.toBeInstanceOf(GoneException);
    sdk.destroy();
  });

  it('refuses posts over 128 KB with 413 and closes a client frame over 128 KB with 1009', async () => {
    const { events, handler } = recorder();
    gateway = await startWebSocketGateway({ port: 0, handler, routes: [] });
    const client = await connectWs(`${gateway.url}?token=good`);
    const id = events[0]?.requestContext.connectionId as string;
    const sdk = management(gateway.managementEndpoint);
    const big = Buffer.alloc(128 * 1024 + 1, 'a');
    await expect(
      sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: big })),
    ).rejects.toBeInstanceOf(PayloadTooLargeException);
    client.send(big.toString());
    expect((await client.closed).code).toBe(1009);
    sdk.destroy();
  });

  it('closes an idle connection and one that reached its maximum age, then runs $disconnect', async () => {
    const { events, handler } = recorder();
    gateway = await startWebSocketGateway({ port: 0, handler, routes: [], idleTimeoutMs: 200 });
    const idle = await connectWs(`${gateway.url}?token=good`);
    expect((await idle.closed).code).toBe(1001);
    await gateway.stop();
    gateway = await startWebSocketGateway({ port: 0, handler, routes: [], maxConnectionMs: 200 });
    const old = await connectWs(`${gateway.url}?token=good`);
    const timer = setInterval(() => old.send('keep busy'), 50);
    expect((await old.closed).code).toBe(1001);
    clearInterval(timer);
    await expect.poll(() => events.filter((e) => e.requestContext.routeKey === '$disconnect').length).toBe(2);
  });

  it('stops while a $connect is still running: the half-open client is dropped, not waited for', async () => {
    let release: () => void = () => undefined;
    const connecting = new Promise<void>((r) => {
      release = r;
    });
    const events: WebSocketLambdaEvent[] = [];
    const handler = async (event: WebSocketLambdaEvent) => {
      events.push(event);
      if (event.requestContext.routeKey === '$connect') await connecting;
      return { statusCode: 200 };
    };
    const stuck = await startWebSocketGateway({ port: 0, handler, routes: [] });
    const client = connectWs(stuck.url);
    client.catch(() => undefined);
    await expect.poll(() => events.length).toBe(1);
    await stuck.stop();
    await expect(client).rejects.toBeDefined();
    release();
    await new Promise((r) => setImmediate(r));
    expect(stuck.connectionCount()).toBe(0);
    expect(events.map((e) => e.requestContext.routeKey)).toEqual(['$connect']);
  });
});
