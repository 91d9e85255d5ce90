import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthConfig } from '#commons/auth/auth-config.ts';
import { createTokenVerifier } from '#commons/auth/token-verifier.ts';
import { ENV } from '#commons/config/env-names.ts';
import { ConfigError } from '#commons/config/runtime-config.ts';
import { ForbiddenError } from '#commons/errors/app-errors.ts';
import { composeWebSocket } from '../../functions/ws/compose.ts';
import { WEBSOCKET_ROUTES } from '../../functions/ws/routes.ts';
import { LOCAL_OPERATOR_TENANT, loadLocalConfig } from '../../infra/local/local-config.ts';
import { ensureLocalSecrets } from '../../infra/local/local-secrets.ts';
import { type LocalWebSocketGateway, startWebSocketGateway } from '../../infra/local/ws-gateway/gateway.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';
import { connectWs } from '../support/ws-test-client.ts';
import {
  type ApiHarness,
  createApiHarness,
  signToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_SECRET,
} from './support/api-harness.ts';

/** MASTER is honoured only for the configured operator tenant (`ops` here), on REST and on WebSocket `$connect`. */
const OPERATOR = 'ops';
const authEnv = {
  [ENV.jwtSecret]: TEST_SECRET,
  [ENV.jwtIssuer]: TEST_ISSUER,
  [ENV.jwtAudience]: TEST_AUDIENCE,
  [ENV.operatorTenant]: OPERATOR,
};

describe('the operator tenant setting', () => {
  it('is read from the environment and refuses an invalid tenant id', () => {
    expect(loadAuthConfig(authEnv).operatorTenant).toBe(OPERATOR);
    expect(() => loadAuthConfig({ ...authEnv, [ENV.operatorTenant]: 'not a tenant!' })).toThrow(ConfigError);
  });

  it('refuses a MASTER claim of any other tenant with a FORBIDDEN that says why', async () => {
    const verifier = createTokenVerifier(loadAuthConfig(authEnv));
    const refusal = verifier.verify(await signToken({ tenant: 'acme', role: 'MASTER' }));
    await expect(refusal).rejects.toBeInstanceOf(ForbiddenError);
    await expect(refusal).rejects.toThrow(/operator tenant/);
    expect(await verifier.verify(await signToken({ tenant: OPERATOR, role: 'MASTER' }))).toMatchObject({
      tenantId: OPERATOR,
      role: 'MASTER',
    });
  });

  it('honours MASTER for no tenant at all when none is configured', async () => {
    const { [ENV.operatorTenant]: _unset, ...withoutOperator } = authEnv;
    const verifier = createTokenVerifier(loadAuthConfig(withoutOperator));
    await expect(
      verifier.verify(await signToken({ tenant: OPERATOR, role: 'MASTER' })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await verifier.verify(await signToken({ tenant: 'acme', role: 'ADMIN' }))).toMatchObject({
      role: 'ADMIN',
    });
  });
});

describe('MASTER over REST', () => {
  let h: ApiHarness;
  let sessionId: string;
  beforeAll(async () => {
    h = await createApiHarness('operator');
    sessionId = await h.createSession(await h.adminToken('acme'));
  });
  afterAll(() => h.destroy());

  it('refuses a MASTER token of a non-operator tenant with 403 FORBIDDEN on every kind of route', async () => {
    const rogue = await signToken({ tenant: 'globex', role: 'MASTER' });
    for (const [method, path] of [
      ['GET', `/v1/sessions/${sessionId}`],
      ['GET', '/v1/sessions?tenantId=acme'],
      ['GET', '/v1/sessions'],
      ['GET', '/v1/hosts'],
    ] as const) {
      const res = await h.request(method, path, { token: rogue });
      expect(res.status, `${method} ${path}`).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('FORBIDDEN');
      expect(body.error.message).toMatch(/operator tenant/);
    }
  });

  it('lets the operator tenant’s MASTER reach another tenant’s session', async () => {
    const master = await signToken({ tenant: OPERATOR, role: 'MASTER' });
    const res = await h.request('GET', `/v1/sessions/${sessionId}`, { token: master });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(sessionId);
    expect((await h.request('GET', '/v1/hosts', { token: master })).status).toBe(200);
  });
});

describe('MASTER at WebSocket $connect', () => {
  let aws: TestAws;
  let gateway: LocalWebSocketGateway;
  beforeAll(async () => {
    aws = await createTestAws('operatorws');
    let handler: ReturnType<typeof composeWebSocket> | undefined;
    gateway = await startWebSocketGateway({
      port: 0,
      routes: WEBSOCKET_ROUTES,
      handler: (event) => (handler as NonNullable<typeof handler>)(event),
    });
    handler = composeWebSocket({
      ...aws.env,
      ...authEnv,
      [ENV.wsManagementEndpoint]: gateway.managementEndpoint,
      [ENV.logLevel]: 'silent',
    });
    await aws.doc.send(
      new PutCommand({
        TableName: aws.tables.sessions,
        Item: {
          sessionId: 'ses_operator1',
          tenantId: 'acme',
          status: 'CONNECTED',
          desired: 'RUNNING',
          epoch: 1,
        },
      }),
    );
  });
  afterAll(async () => {
    await gateway.stop();
    aws.destroy();
  });
  const url = (token: string) => `${gateway.url}?token=${encodeURIComponent(token)}`;

  it('rejects the handshake of a non-operator MASTER with 403', async () => {
    const rogue = await signToken({ tenant: 'globex', role: 'MASTER' });
    await expect(connectWs(url(rogue))).rejects.toMatchObject({ statusCode: 403 });
    expect(gateway.connectionCount()).toBe(0);
  });

  it('lets the operator’s MASTER subscribe to another tenant’s session', async () => {
    const ws = await connectWs(url(await signToken({ tenant: OPERATOR, role: 'MASTER' })));
    ws.send({ action: 'subscribe', sessionId: 'ses_operator1' });
    expect(await ws.waitFor((m) => m.type === 'subscribed')).toMatchObject({ sessionId: 'ses_operator1' });
    await ws.close();
  });
});

describe('the local stack', () => {
  const run = promisify(execFile);
  const root = resolve(import.meta.dirname, '..', '..');
  let stateDir: string;
  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'zapfleet-operator-'));
  });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('honours the MASTER token `npm run token -- --role MASTER` issues, and no other tenant’s', async () => {
    const { stdout } = await run(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['infra/local/token.ts', '--role', 'MASTER'],
      { cwd: root, env: { ...process.env, ZAPFLEET_STATE_DIR: stateDir } },
    );
    const config = loadLocalConfig({});
    const verifier = createTokenVerifier(
      loadAuthConfig({ ...ensureLocalSecrets(stateDir), [ENV.operatorTenant]: config.operatorTenant }),
    );
    expect(await verifier.verify(stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({
      tenantId: LOCAL_OPERATOR_TENANT,
      role: 'MASTER',
    });
    const other = await run(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['infra/local/token.ts', '--role', 'MASTER', '--tenant', 'acme'],
      { cwd: root, env: { ...process.env, ZAPFLEET_STATE_DIR: stateDir } },
    );
    await expect(verifier.verify(other.stdout.trim())).rejects.toBeInstanceOf(ForbiddenError);
  });
});
