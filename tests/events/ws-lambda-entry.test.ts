import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#commons/config/env-names.ts';
import { composeWebSocket } from '../../functions/ws/compose.ts';
import { WEBSOCKET_ROUTES } from '../../functions/ws/routes.ts';
import { type LocalWebSocketGateway, startWebSocketGateway } from '../../infra/local/ws-gateway/gateway.ts';
import {
  signToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_SECRET,
  unsignedToken,
} from '../api/support/api-harness.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';
import { connectWs } from '../support/ws-test-client.ts';

let aws: TestAws;
let gateway: LocalWebSocketGateway;

beforeAll(async () => {
  aws = await createTestAws('wsentry');
  let handler: ReturnType<typeof composeWebSocket> | undefined;
  gateway = await startWebSocketGateway({
    port: 0,
    routes: WEBSOCKET_ROUTES,
    handler: (event) => (handler as NonNullable<typeof handler>)(event),
  });
  // The same composition root the Lambda entry runs, configured only through the environment.
  handler = composeWebSocket({
    ...aws.env,
    [ENV.jwtSecret]: TEST_SECRET,
    [ENV.jwtIssuer]: TEST_ISSUER,
    [ENV.jwtAudience]: TEST_AUDIENCE,
    [ENV.wsManagementEndpoint]: gateway.managementEndpoint,
    [ENV.logLevel]: 'silent',
  });
  await aws.doc.send(
    new PutCommand({
      TableName: aws.tables.sessions,
      Item: { sessionId: 'ses_entry1', tenantId: 'acme', status: 'CONNECTED', desired: 'RUNNING', epoch: 1 },
    }),
  );
});
afterAll(async () => {
  await gateway.stop();
  aws.destroy();
});

const url = (token: string) => `${gateway.url}?token=${encodeURIComponent(token)}`;

describe('the WebSocket Lambda composition with the real token verifier', () => {
  it.each([
    ['no token', async () => '', 401],
    ['a bad signature', () => signToken({ tenant: 'acme', secret: 'x'.repeat(40) }), 401],
    [
      'an expired token',
      () => signToken({ tenant: 'acme', expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      401,
    ],
    ['alg none', async () => unsignedToken('acme'), 401],
    ['a wrong issuer', () => signToken({ tenant: 'acme', issuer: 'someone-else' }), 401],
    ['another role', () => signToken({ tenant: 'acme', role: 'VIEWER' }), 403],
  ])('rejects the handshake with %s', async (_label, token, status) => {
    const t = await token();
    await expect(connectWs(t ? url(t) : gateway.url)).rejects.toMatchObject({ statusCode: status });
    expect(gateway.connectionCount()).toBe(0);
  });

  it('lets an ADMIN subscribe to its own tenant’s session and refuses another tenant’s', async () => {
    const own = await connectWs(url(await signToken({ tenant: 'acme' })));
    own.send({ action: 'subscribe', sessionId: 'ses_entry1' });
    expect(await own.waitFor((m) => m.type === 'subscribed')).toMatchObject({ sessionId: 'ses_entry1' });
    expect(await own.waitFor((m) => m.type === 'session:status')).toMatchObject({
      data: { status: 'CONNECTED' },
    });
    const other = await connectWs(url(await signToken({ tenant: 'globex' })));
    other.send({ action: 'subscribe', sessionId: 'ses_entry1' });
    expect(await other.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await Promise.all([own.close(), other.close()]);
  });

  it('keeps the token’s exp from $connect and refuses the first action after it with TOKEN_EXPIRED', async () => {
    // The verifier allows 5 s of clock skew at $connect; the connection itself ends at exp exactly.
    const exp = Math.floor(Date.now() / 1000) + 2;
    const client = await connectWs(url(await signToken({ tenant: 'acme', expiresIn: exp })));
    client.send({ action: 'ping' });
    await client.waitFor((m) => m.type === 'pong');
    await expect.poll(() => Date.now() >= exp * 1000, { timeout: 5_000, interval: 100 }).toBe(true);
    client.send({ action: 'ping' });
    expect(await client.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(await client.closed).toMatchObject({ code: 1000 });
    expect(client.messages.filter((m) => m.type === 'pong')).toHaveLength(1);
  });
});
