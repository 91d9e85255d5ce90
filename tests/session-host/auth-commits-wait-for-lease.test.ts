/**
 * While its host's lease is lost a session commits nothing: each commit waits
 * for the lease (`whenActing`), then goes, or fails its fence if the session
 * was fenced meanwhile (a DELETE's quiesce, a peer's takeover): no object is
 * written for a session whose record moved on. The real S3AuthState against
 * the embedded S3 and DynamoDB.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FencedError } from '#commons/domain/fence.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import { S3AuthState } from '../../session-host/src/auth-state/s3-auth-state.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

let aws: TestAws;
let ownership: DynamoDbSessionOwnership;
beforeAll(async () => {
  aws = await createTestAws('authwait');
  ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
});
afterAll(() => aws.destroy());

let n = 0;
async function openWithGate() {
  const sessionId = `ses_wait${++n}`;
  await aws.doc.send(
    new PutCommand({
      TableName: aws.tables.sessions,
      Item: {
        sessionId,
        tenantId: 'acme',
        ownerHostId: 'host-a',
        epoch: 0,
        desired: 'RUNNING',
        status: 'STARTING',
      },
    }),
  );
  const fence = await ownership.claim(sessionId, 'host-a', 'inc-1', 0);
  if (!fence) throw new Error('claim failed');
  let open = (): void => undefined;
  let gate: Promise<void> = Promise.resolve();
  const auth = await S3AuthState.open({
    s3: aws.s3,
    bucket: aws.bucket,
    prefix: `auth/acme/${sessionId}/`,
    sessionId,
    pointers: ownership,
    fence,
    onFenced: () => undefined,
    whenActing: () => gate,
  });
  const close = () => {
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
  };
  return { sessionId, auth, close, open: () => open() };
}

const settled = (p: unknown) =>
  Promise.resolve(p).then(
    () => 'done',
    (err: unknown) => err,
  );

describe('an auth commit while the host’s lease is lost', () => {
  it('writes nothing until the lease is back, then lands', async () => {
    const s = await openWithGate();
    const puts = s.auth.stats.puts;
    const pointer = (await ownership.get(s.sessionId))?.authPointer?.version;
    s.close();
    const commit = settled(s.auth.state.keys.set({ session: { 'peer.0': { v: 1 } as never } }));
    // Nothing can make it land but the gate: its S3 PUT and pointer write come after it.
    await new Promise((r) => setTimeout(r, 200));
    expect(s.auth.stats.puts).toBe(puts);
    expect((await ownership.get(s.sessionId))?.authPointer?.version).toBe(pointer);
    s.open();
    expect(await commit).toBe('done');
    expect(s.auth.stats.puts).toBe(puts + 1);
    expect((await ownership.get(s.sessionId))?.authPointer?.version).toBe((pointer ?? 0) + 1);
  });

  it('fails its fence at once, writing nothing, when the session is fenced while it waits', async () => {
    const s = await openWithGate();
    const puts = s.auth.stats.puts;
    s.close();
    const commit = settled(s.auth.state.keys.set({ session: { 'peer.0': { v: 2 } as never } }));
    s.auth.fence();
    expect(await commit).toBeInstanceOf(FencedError);
    expect(s.auth.stats.puts).toBe(puts);
  });
});
