import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AWS_CONNECTION_TIMEOUT_MS,
  AWS_REQUEST_TIMEOUT_MS,
  awsClientConfig,
  s3ClientConfig,
} from '#commons/aws/client-config.ts';

/** Accepts connections and never answers (or answers headers and part of a body, then stalls). */
async function blackHole(
  onConnection: (socket: Socket) => void = () => undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const SHORT = { connectionTimeoutMs: 200, requestTimeoutMs: 300 };
const closers: (() => Promise<void>)[] = [];
const clients: { destroy(): void }[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const close of closers.splice(0)) await close();
});

describe('timeouts on every AWS SDK client', () => {
  it('gives every client connection and request timeouts, and makes the request timeout an error', () => {
    expect(awsClientConfig({ region: 'us-east-1' }).requestHandler).toEqual({
      connectionTimeout: AWS_CONNECTION_TIMEOUT_MS,
      requestTimeout: AWS_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      socketTimeout: AWS_REQUEST_TIMEOUT_MS,
    });
    expect(AWS_CONNECTION_TIMEOUT_MS).toBeGreaterThan(0);
    expect(AWS_REQUEST_TIMEOUT_MS).toBeGreaterThan(0);
  });

  // A hang shows up as the test's own timeout instead of a TimeoutError.
  it('rejects a DynamoDB call to a server that accepts and never answers with a timeout error', {
    timeout: 10_000,
  }, async () => {
    const server = await blackHole();
    closers.push(server.close);
    const client = new DynamoDBClient({
      ...awsClientConfig({ region: 'us-east-1', endpoint: server.url }, SHORT),
      maxAttempts: 1,
    });
    clients.push(client);
    await expect(
      client.send(new GetItemCommand({ TableName: 't', Key: { id: { S: '1' } } })),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('rejects an S3 body that stops streaming with a timeout error', { timeout: 10_000 }, async () => {
    const server = await blackHole((socket) => {
      socket.once('data', () => {
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\n\r\nfirst-bytes',
        );
      });
    });
    closers.push(server.close);
    const client = new S3Client({
      ...s3ClientConfig({ region: 'us-east-1', endpoint: server.url }, SHORT),
      maxAttempts: 1,
    });
    clients.push(client);
    const object = await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'auth/k' }));
    await expect(object.Body?.transformToString()).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
