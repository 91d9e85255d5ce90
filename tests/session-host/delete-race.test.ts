import {
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '#commons/auth/token-verifier.ts';
import { s3ClientConfig } from '#commons/aws/client-config.ts';
import { newSessionId } from '#commons/domain/ids.ts';
import { HttpHostClient } from '#commons/hosts/http-host-client.ts';
import { createLogger } from '#commons/logging/logger.ts';
import { DynamoDbHostDirectory } from '#commons/storage/dynamodb-host-directory.ts';
import { DynamoDbSessionOutbox } from '#commons/storage/dynamodb-session-outbox.ts';
import { DynamoDbSessionRepository } from '#commons/storage/dynamodb-session-repository.ts';
import { S3SessionAuthState } from '#commons/storage/s3-auth-wipe.ts';
import { createApp } from '../../functions/api/app.ts';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import { signToken, TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET } from '../api/support/api-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness, type RunningHost } from './host-harness.ts';

/**
 * DELETE while a contact keeps writing to the session: the owning host commits
 * a key transaction per message (an S3 PUT, then the fenced pointer write). The
 * host's S3 PUTs are delayed so one is reliably in flight when the DELETE
 * arrives: that widens, deterministically, the window in which a PUT lands
 * after a wipe that did not wait for the host.
 */
const INTERNAL_TOKEN = 'internal-token-internal-token-0123456789';
const PUT_DELAY_MS = 400;

let h: HostHarness;
let slowS3: S3Client;
/** PUTs delayed and not yet landed, so the test can wait for every late write instead of a time. */
let putsInFlight: Set<Promise<unknown>>;
beforeEach(async () => {
  h = await HostHarness.create();
  putsInFlight = new Set();
  slowS3 = new S3Client(s3ClientConfig({ region: 'us-east-1', endpoint: h.aws.env.AWS_ENDPOINT_URL_S3 }));
  slowS3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutObjectCommand') return next(args);
      const put = new Promise((r) => setTimeout(r, PUT_DELAY_MS)).then(() => next(args));
      putsInFlight.add(put);
      const landed = () => putsInFlight.delete(put);
      put.then(landed, landed);
      return put;
    },
    { step: 'initialize', name: 'slowPuts' },
  );
});
afterEach(async () => {
  await h.dispose();
  slowS3.destroy();
});

/** The API wired to the embedded AWS, reaching the in-process host's internal endpoint through the real client. */
function apiFor(running: RunningHost) {
  const internal = createInternalApi(running.host, running.metrics, INTERNAL_TOKEN);
  const { aws } = h;
  return createApp({
    version: 'test',
    verifier: createTokenVerifier({
      mode: 'secret',
      secret: TEST_SECRET,
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      tenantClaim: 'tenant',
      roleClaim: 'role',
    }),
    sessions: new DynamoDbSessionRepository({
      client: aws.doc,
      sessionsTable: aws.tables.sessions,
      sessionNamesTable: aws.tables.sessionNames,
    }),
    hosts: new DynamoDbHostDirectory({
      client: aws.doc,
      hostsTable: aws.tables.hosts,
      sessionsTable: aws.tables.sessions,
    }),
    events: h.events,
    outbox: new DynamoDbSessionOutbox({ client: aws.doc, outboxTable: aws.tables.outbox }),
    authState: new S3SessionAuthState({ client: aws.s3, bucket: aws.bucket }),
    hostClient: new HttpHostClient({
      internalToken: INTERNAL_TOKEN,
      timeoutMs: 15_000,
      fetch: async (url, init) => internal.request(new URL(String(url)).pathname, init as RequestInit),
    }),
    log: createLogger({ name: 'api-test', level: process.env.DEBUG_API ? 'error' : 'silent' }),
    clock: () => new Date(),
  });
}

async function objectsUnder(prefix: string): Promise<string[]> {
  const page = await h.aws.s3.send(new ListObjectsV2Command({ Bucket: h.aws.bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key ?? '');
}

/** Every version and delete marker under the prefix, or undefined where the S3 in use has no versioning API. */
async function versionsUnder(prefix: string): Promise<string[] | undefined> {
  try {
    const page = await h.aws.s3.send(new ListObjectVersionsCommand({ Bucket: h.aws.bucket, Prefix: prefix }));
    return [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => `${v.Key}@${v.VersionId}`);
  } catch (err) {
    const status = (err as S3ServiceException).$metadata?.httpStatusCode;
    if (status === 405 || status === 501) return undefined;
    throw err;
  }
}

describe('deleting a session while its host writes auth state', () => {
  it('leaves no auth object under the session prefix, even with a host PUT in flight', async () => {
    const running = await h.startHost('host-1', { s3: slowS3 });
    const sessionId = newSessionId();
    const now = new Date().toISOString();
    await h.aws.doc.send(
      new PutCommand({
        TableName: h.aws.tables.sessions,
        Item: {
          sessionId,
          tenantId: 'acme',
          createdAt: now,
          updatedAt: now,
          createdKey: `${now}#${sessionId}`,
          desired: 'RUNNING',
          status: 'STOPPED',
          ownerHostId: 'host-1',
          epoch: 0,
        },
      }),
    );
    await running.host.reconcileSession(sessionId);
    const device = await h.link(sessionId);
    const contact = h.fake.createUser({ name: 'Erin' });
    const prefix = `auth/acme/${sessionId}/`;
    const api = apiFor(running);
    const token = await signToken({ tenant: 'acme', role: 'ADMIN' });

    // A contact keeps writing until the test is done: each message is a key commit on the host.
    let sending = true;
    let sent = 0;
    const traffic = (async () => {
      while (sending) {
        await h.fake.sendText(contact.pn, device.pn, `message ${++sent}`).catch(() => undefined);
        // Pacing the traffic, not waiting for anything.
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await h.waitForEvent(sessionId, (e) => e.type === 'session:message', 20_000);

    const res = await api.request(`/v1/sessions/${sessionId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(204);
    expect(await h.record(sessionId)).toBeUndefined();

    // Late writes would show now: messages keep coming after the DELETE, and every delayed PUT
    // started by then (in flight at the DELETE or after it) has landed or failed.
    const sentAtDelete = sent;
    await waitFor(() => sent >= sentAtDelete + 5, 'five more messages after the DELETE');
    await Promise.allSettled([...putsInFlight]);
    sending = false;
    await traffic;
    expect(sent).toBeGreaterThan(sentAtDelete);
    expect(await objectsUnder(prefix)).toEqual([]);
    const versions = await versionsUnder(prefix);
    if (versions !== undefined) expect(versions).toEqual([]);
  }, 60_000);
});
