import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#commons/config/env-names.ts';
import { DynamoDbConnectionStore } from '#commons/events/dynamodb-connection-store.ts';
import { type HostProcess, startHostProcess } from '../../infra/local/host-process.ts';
import { type LocalWebSocketGateway, startWebSocketGateway } from '../../infra/local/ws-gateway/gateway.ts';
import { putAssignedSession } from '../support/assigned-session.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';
import { createFakeWhatsApp, type FakeWhatsApp } from '../support/fake-whatsapp/server.ts';
import { waitFor } from '../support/wait-for.ts';

// A real host process (its own composition root, so the run's AWS operation log
// sees the requests its role must be granted) posting to a connection the gateway no longer has.
let aws: TestAws;
let fake: FakeWhatsApp;
let gateway: LocalWebSocketGateway;
let host: HostProcess | undefined;

beforeAll(async () => {
  [aws, fake] = await Promise.all([createTestAws('gone'), createFakeWhatsApp()]);
  gateway = await startWebSocketGateway({ port: 0, routes: [], handler: async () => ({ statusCode: 200 }) });
});
afterAll(async () => {
  await host?.stop(5_000);
  await gateway.stop();
  await fake.close();
  aws.destroy();
});

function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 25_000): Promise<T> {
  return waitFor(probe, what, timeoutMs, 100);
}

describe('a session host and a connection the gateway answers 410 for', () => {
  it('removes the connection and its subscriptions after the first post', async () => {
    const hostId = 'gone-host';
    const sessionId = await putAssignedSession(aws, hostId);
    const store = new DynamoDbConnectionStore(aws.doc, {
      connectionsTable: aws.tables.connections,
      subscriptionsTable: aws.tables.subscriptions,
      eventsTable: aws.tables.events,
    });
    // Never opened on this gateway: every post to it is 410 GoneException.
    const stale = 'staleConnId0=';
    await store.putConnection({
      connectionId: stale,
      tenantId: 'acme',
      role: 'ADMIN',
      connectedAt: Date.now(),
    });
    await store.subscribe(sessionId, stale);

    host = await startHostProcess({
      env: {
        ...aws.env,
        [ENV.hostId]: hostId,
        [ENV.hostPort]: '0',
        [ENV.internalToken]: randomBytes(24).toString('hex'),
        [ENV.wsManagementEndpoint]: gateway.managementEndpoint,
        [ENV.waWebSocketUrl]: fake.url,
        [ENV.waCertPublicKey]: fake.caPublicKey.toString('hex'),
        [ENV.reconcileIntervalMs]: '500',
        [ENV.heartbeatIntervalMs]: '500',
        [ENV.logLevel]: 'warn',
      },
      onLog: () => undefined,
    });

    // The host's first events for the session (status, QR) fan out to the stale subscriber.
    await until('the stale connection removed', async () =>
      (await store.getConnection(stale)) === undefined ? true : undefined,
    );
    const left = await store.subscribers(sessionId);
    expect(left.map((s) => (typeof s === 'string' ? s : s.connectionId))).not.toContain(stale);
  });
});
