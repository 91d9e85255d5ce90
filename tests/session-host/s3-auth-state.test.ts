import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { s3ClientConfig } from '#commons/aws/client-config.ts';
import { FencedError } from '#commons/domain/fence.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import { AuthStateCorruptedError } from '../../session-host/src/auth-state/auth-data.ts';
import { S3AuthState } from '../../session-host/src/auth-state/s3-auth-state.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

let aws: TestAws;
let ownership: DynamoDbSessionOwnership;
beforeAll(async () => {
  aws = await createTestAws('auth');
  ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
});
afterAll(() => aws.destroy());

let n = 0;
async function ownedSession(hostId = 'host-a') {
  const sessionId = `ses_auth${++n}`;
  await aws.doc.send(
    new PutCommand({
      TableName: aws.tables.sessions,
      Item: {
        sessionId,
        tenantId: 'acme',
        ownerHostId: hostId,
        epoch: 0,
        desired: 'RUNNING',
        status: 'STARTING',
      },
    }),
  );
  const fence = await ownership.claim(sessionId, hostId, 'inc-1', 0);
  if (!fence) throw new Error('claim failed');
  return { sessionId, fence, prefix: `auth/acme/${sessionId}/` };
}

function open(
  s: Awaited<ReturnType<typeof ownedSession>>,
  over: Partial<Parameters<typeof S3AuthState.open>[0]> = {},
) {
  return S3AuthState.open({
    s3: aws.s3,
    bucket: aws.bucket,
    prefix: s.prefix,
    sessionId: s.sessionId,
    pointers: ownership,
    fence: s.fence,
    onFenced: () => undefined,
    ...over,
  });
}

const preKey = (i: number) => ({ public: Buffer.alloc(32, i), private: Buffer.alloc(32, 255 - i) });

describe('auth state in S3', () => {
  it('persists fresh creds before first use and restores them, keys included', async () => {
    const s = await ownedSession();
    const first = await open(s);
    await first.state.keys.set({ 'pre-key': { '1': preKey(1), '2': preKey(2) } });
    await first.state.keys.set({ 'pre-key': { '1': null } });
    const again = await open(s);
    expect(again.state.creds.registrationId).toBe(first.state.creds.registrationId);
    expect(
      Buffer.from(again.state.creds.noiseKey.private).equals(Buffer.from(first.state.creds.noiseKey.private)),
    ).toBe(true);
    const keys = await again.state.keys.get('pre-key', ['1', '2']);
    expect(Object.keys(keys)).toEqual(['2']);
    expect(Buffer.from(keys['2']?.private as Uint8Array).equals(preKey(2).private)).toBe(true);
  });

  it('makes a key write durable before the call resolves (one journal PUT and one pointer write)', async () => {
    const s = await ownedSession();
    const state = await open(s);
    const before = { ...state.stats };
    await state.state.keys.set({ session: { 'peer.0': { record: 'r1' } as never } });
    expect(state.stats.puts - before.puts).toBe(1);
    expect(state.stats.pointerWrites - before.pointerWrites).toBe(1);
    const fresh = await open(s);
    expect(await fresh.state.keys.get('session', ['peer.0'])).toEqual({ 'peer.0': { record: 'r1' } });
  });

  it('compacts the journal into a snapshot and restores the same state', async () => {
    const s = await ownedSession();
    const state = await open(s, { compactAfterEntries: 5 });
    for (let i = 0; i < 12; i++) await state.state.keys.set({ 'pre-key': { [String(i)]: preKey(i) } });
    const pointer = await ownership.load(s.sessionId);
    expect(pointer?.snapshot).toMatch(/^snapshots\//);
    expect(pointer?.journal.length).toBeLessThan(5);
    const restored = await open(s);
    const ids = Array.from({ length: 12 }, (_, i) => String(i));
    expect(Object.keys(await restored.state.keys.get('pre-key', ids)).sort()).toEqual([...ids].sort());
  });

  it('refuses the writes of a fenced ex-owner and closes its socket first; the new owner never sees them', async () => {
    const s = await ownedSession();
    const onFenced = vi.fn();
    const old = await open(s, { onFenced });
    await old.state.keys.set({ session: { 'peer.0': { v: 1 } as never } });
    // Another run claims the session: the epoch grows.
    const newer = await ownership.claim(s.sessionId, 'host-a', 'inc-2', s.fence.epoch);
    expect(newer?.epoch).toBe(s.fence.epoch + 1);
    await expect(old.state.keys.set({ session: { 'peer.0': { v: 2 } as never } })).rejects.toBeInstanceOf(
      FencedError,
    );
    expect(onFenced).toHaveBeenCalledTimes(1);
    await expect(old.saveCreds()).rejects.toBeInstanceOf(FencedError);
    const current = await open({ ...s, fence: newer as NonNullable<typeof newer> });
    expect(await current.state.keys.get('session', ['peer.0'])).toEqual({ 'peer.0': { v: 1 } });
  });

  it('never writes an older pointer over a newer one', async () => {
    const s = await ownedSession();
    const a = await open(s);
    const b = await open(s);
    await a.state.keys.set({ session: { x: { v: 'a' } as never } });
    // b still believes the first version is current: its commit must be refused.
    await expect(b.state.keys.set({ session: { x: { v: 'b' } as never } })).rejects.toBeInstanceOf(
      FencedError,
    );
    const fresh = await open(s);
    expect(await fresh.state.keys.get('session', ['x'])).toEqual({ x: { v: 'a' } });
  });

  it('surfaces a write error when S3 is unreachable, and leaves the durable state untouched', async () => {
    const s = await ownedSession();
    const state = await open(s);
    await state.state.keys.set({ session: { k: { v: 1 } as never } });
    const dead = new S3Client({
      ...s3ClientConfig({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }),
      maxAttempts: 1,
    });
    const onCommitError = vi.fn();
    const broken = await S3AuthState.open({
      s3: aws.s3,
      bucket: aws.bucket,
      prefix: s.prefix,
      sessionId: s.sessionId,
      pointers: ownership,
      fence: s.fence,
      onFenced: () => undefined,
      onCommitError,
    });
    (broken as unknown as { options: { s3: S3Client } }).options.s3 = dead;
    await expect(broken.state.keys.set({ session: { k: { v: 2 } as never } })).rejects.toThrow();
    expect(onCommitError).toHaveBeenCalled();
    expect(await broken.state.keys.get('session', ['k'])).toEqual({ k: { v: 1 } });
    dead.destroy();
    const fresh = await open(s);
    expect(await fresh.state.keys.get('session', ['k'])).toEqual({ k: { v: 1 } });
  });

  it.each([
    ['truncated JSON', '{"creds":{"registrationId":1'],
    ['wrong format', '"just a string"'],
    ['missing creds', '{"keys":{}}'],
  ])('detects a corrupted auth object at load (%s)', async (_label, body) => {
    const s = await ownedSession();
    const state = await open(s);
    await state.state.keys.set({ session: { k: { v: 1 } as never } });
    const pointer = await ownership.load(s.sessionId);
    const last = pointer?.journal.at(-1) as string;
    await aws.s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: `${s.prefix}${last}`, Body: body }));
    await expect(open(s)).rejects.toBeInstanceOf(AuthStateCorruptedError);
  });

  it('wipes every object and the pointer', async () => {
    const s = await ownedSession();
    const state = await open(s);
    await state.state.keys.set({ session: { k: { v: 1 } as never } });
    await state.wipe();
    // A commit racing the wipe (Baileys saving creds during logout) must not leave an object behind.
    await expect(state.saveCreds()).rejects.toBeInstanceOf(FencedError);
    expect(await ownership.load(s.sessionId)).toBeUndefined();
    const listed = await aws.s3.send(
      new (await import('@aws-sdk/client-s3')).ListObjectsV2Command({ Bucket: aws.bucket, Prefix: s.prefix }),
    );
    expect(listed.Contents ?? []).toEqual([]);
  });
});
