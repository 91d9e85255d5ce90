import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionId } from '#commons/domain/ids.ts';
import { newSessionRecord } from '#commons/domain/session-record.ts';
import { DynamoDbHostDirectory } from '#commons/storage/dynamodb-host-directory.ts';
import { DynamoDbSessionRepository } from '#commons/storage/dynamodb-session-repository.ts';
import { S3SessionAuthState } from '#commons/storage/s3-auth-wipe.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

let aws: TestAws;
let repo: DynamoDbSessionRepository;
const now = new Date('2026-11-29T12:00:00.000Z');

beforeAll(async () => {
  aws = await createTestAws('adapters');
  repo = new DynamoDbSessionRepository({
    client: aws.doc,
    sessionsTable: aws.tables.sessions,
    sessionNamesTable: aws.tables.sessionNames,
  });
});
afterAll(() => aws.destroy());

async function stored(owner?: string, epoch = 0) {
  const record = {
    ...newSessionRecord({ tenantId: 'acme' }, newSessionId(), now),
    epoch,
    ...(owner && { ownerHostId: owner }),
  };
  await repo.create(record);
  return record;
}

describe('DynamoDbSessionRepository fencing', () => {
  it('refuses a control write when another writer changed the owner meanwhile', async () => {
    const session = await stored('h1');
    const result = await repo.updateControl(session.sessionId, 'h0', {
      desired: 'RUNNING',
      ownerHostId: 'h2',
      now,
    });
    expect(result).toEqual({ ok: false, reason: 'conflict' });
    expect((await repo.get(session.sessionId))?.ownerHostId).toBe('h1');
  });

  it('reports a missing session as not-found, not as a conflict', async () => {
    expect(
      await repo.updateControl('ses_zzzzzzzzzzzzzzzzzzzz', undefined, { desired: 'RUNNING', now }),
    ).toEqual({
      ok: false,
      reason: 'not-found',
    });
  });

  it('does not record a logout over a host that claimed the session meanwhile (epoch moved)', async () => {
    const session = await stored('h1', 2);
    await aws.doc.send(
      new PutCommand({ TableName: aws.tables.sessions, Item: { ...session, epoch: 3, status: 'CONNECTED' } }),
    );
    expect(await repo.markLoggedOut(session, now)).toEqual({ ok: false, reason: 'conflict' });
    expect((await repo.get(session.sessionId))?.status).toBe('CONNECTED');
  });

  it('removes an assignment when asked with null', async () => {
    const session = await stored('h1');
    const result = await repo.updateControl(session.sessionId, 'h1', {
      desired: 'STOPPED',
      ownerHostId: null,
      now,
    });
    expect(result.ok && result.record.ownerHostId).toBeUndefined();
  });
});

describe('DynamoDbHostDirectory', () => {
  it('lists only hosts whose lease has not expired, whatever TTL deletion did', async () => {
    const directory = new DynamoDbHostDirectory({
      client: aws.doc,
      hostsTable: aws.tables.hosts,
      sessionsTable: aws.tables.sessions,
    });
    const seconds = Math.floor(now.getTime() / 1000);
    const host = (hostId: string, expiresAt: number) => ({
      hostId,
      endpoint: `http://${hostId}:8080`,
      capacity: 10,
      load: 0,
      heartbeatVersion: 1,
      heartbeatAt: now.getTime(),
      expiresAt,
    });
    await aws.doc.send(new PutCommand({ TableName: aws.tables.hosts, Item: host('live', seconds + 10) }));
    await aws.doc.send(new PutCommand({ TableName: aws.tables.hosts, Item: host('expired', seconds - 1) }));
    await aws.doc.send(new PutCommand({ TableName: aws.tables.hosts, Item: host('edge', seconds) }));
    expect((await directory.listLive(now)).map((h) => h.hostId)).toEqual(['live']);
    expect(await directory.getLive('expired', now)).toBeUndefined();
    expect((await directory.getLive('live', now))?.endpoint).toBe('http://live:8080');
  });
});

describe('S3SessionAuthState', () => {
  it('deletes every object under the session prefix and nothing else', async () => {
    const wiper = new S3SessionAuthState({ client: aws.s3, bucket: aws.bucket });
    const put = (key: string) =>
      aws.s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: key, Body: 'x' }));
    const keys = Array.from({ length: 25 }, (_, i) => `auth/acme/ses_target/keys/k${i}.json`);
    await Promise.all([
      ...keys.map(put),
      put('auth/acme/ses_other/creds.json'),
      put('auth/globex/ses_target/creds.json'),
    ]);
    await wiper.wipe('acme', 'ses_target');
    await wiper.wipe('acme', 'ses_target');
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const left = await aws.s3.send(new ListObjectsV2Command({ Bucket: aws.bucket, Prefix: 'auth/' }));
    expect((left.Contents ?? []).map((o) => o.Key).sort()).toEqual([
      'auth/acme/ses_other/creds.json',
      'auth/globex/ses_target/creds.json',
    ]);
  });
});
