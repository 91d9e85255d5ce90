/**
 * What the auth state writes per commit: only the creds fields that changed
 * (applied in order on restore), compressed, with pre-keys kept cold in their
 * own objects that compaction does not rewrite and reads fetch on demand.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BufferJSON, initAuthCreds } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ClientConfig } from '#commons/aws/client-config.ts';
import type { AuthPointerStore } from '#commons/domain/fence.ts';
import { type AuthFixture, authFixture, preKeyBatch } from './auth-state-fixture.ts';

let f: AuthFixture;
beforeAll(async () => {
  f = await authFixture('delta');
});
afterAll(() => f.aws.destroy());

const json = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
const bytes = (value: unknown): number => Buffer.byteLength(json(value));

describe('auth state commits', () => {
  it('carries no unchanged creds with a key commit', async () => {
    const s = await f.owned();
    const state = await f.open(s);
    const before = state.stats.bytesWritten;
    await state.state.keys.set({ session: { 'peer.0': { record: 'r1' } as never } });
    expect(state.stats.bytesWritten - before).toBeLessThan(bytes(state.state.creds) / 4);
  });

  it('restores creds changed and removed across snapshots and deltas, in order', async () => {
    const s = await f.owned();
    const state = await f.open(s, { compactAfterEntries: 4 });
    const creds = state.state.creds as unknown as Record<string, unknown>;
    creds.me = { id: '1555@s.whatsapp.net', name: 'A' };
    creds.pairingCode = 'ABCD1234';
    await state.saveCreds();
    for (let i = 0; i < 5; i++) await state.state.keys.set({ session: { [`p.${i}`]: { v: i } as never } });
    creds.nextPreKeyId = 99;
    await state.saveCreds();
    expect(state.forgetUnfinishedPairing()).toBe(true);
    await state.state.keys.set({ session: { 'p.9': { v: 9 } as never } });
    creds.platform = 'android';
    await state.saveCreds();
    const restored = await f.open(s);
    expect(json(restored.state.creds)).toBe(json(state.state.creds));
    expect(restored.state.creds.me).toBeUndefined();
    expect(restored.state.creds.nextPreKeyId).toBe(99);
    expect(await restored.state.keys.get('session', ['p.0', 'p.9'])).toEqual({
      'p.0': { v: 0 },
      'p.9': { v: 9 },
    });
  });

  it('carries a creds change whose commit failed in the next one (an entry written, its pointer never)', async () => {
    const s = await f.owned();
    let failNext = false;
    const pointers: AuthPointerStore = {
      load: (id) => f.ownership.load(id),
      clear: (id, fence) => f.ownership.clear(id, fence),
      commit: async (id, fence, previous, next) => {
        if (failNext) {
          failNext = false;
          throw new Error('crashed before the pointer write');
        }
        await f.ownership.commit(id, fence, previous, next);
      },
    };
    const state = await f.open(s, { pointers });
    state.state.creds.nextPreKeyId = 500;
    failNext = true;
    await expect(state.saveCreds()).rejects.toThrow('crashed');
    // A new owner now would restore the state before the lost entry.
    expect((await f.open(s)).state.creds.nextPreKeyId).not.toBe(500);
    await state.state.keys.set({ session: { x: { v: 1 } as never } });
    const restored = await f.open(s);
    expect(restored.state.creds.nextPreKeyId).toBe(500);
    expect(await restored.state.keys.get('session', ['x'])).toEqual({ x: { v: 1 } });
  });

  it('restores a state written in the earlier format (full creds in every plain JSON entry)', async () => {
    const s = await f.owned();
    const creds = initAuthCreds();
    const put = (key: string, body: unknown) =>
      f.aws.s3.send(
        new PutObjectCommand({ Bucket: f.aws.bucket, Key: `${s.prefix}${key}`, Body: json(body) }),
      );
    await put('snapshots/0-1-old.json', { creds, keys: { 'pre-key': preKeyBatch(1, 3) } });
    await put('journal/0-2-old.json', {
      creds: { ...creds, nextPreKeyId: 4 },
      keys: { session: { a: { v: 1 } } },
    });
    await f.ownership.commit(s.sessionId, s.fence, undefined, {
      version: 2,
      snapshot: 'snapshots/0-1-old.json',
      journal: ['journal/0-2-old.json'],
      journalBytes: 100,
    });
    const state = await f.open(s);
    expect(state.state.creds.nextPreKeyId).toBe(4);
    expect(Object.keys(await state.state.keys.get('pre-key', ['1', '2', '3', '4']))).toEqual(['1', '2', '3']);
    expect(await state.state.keys.get('session', ['a'])).toEqual({ a: { v: 1 } });
  });
});

describe('cold pre-keys', () => {
  it('are not rewritten by later compactions, and a read fetches the one asked for from S3', async () => {
    const s = await f.owned();
    const state = await f.open(s, { compactAfterEntries: 3 });
    const batch = preKeyBatch(1, 812);
    await state.state.keys.set({ 'pre-key': batch });
    const before = state.stats.bytesWritten;
    for (let i = 0; i < 10; i++) await state.state.keys.set({ session: { [`p.${i}`]: { v: i } as never } });
    expect(state.stats.bytesWritten - before).toBeLessThan(bytes({ 'pre-key': batch }) / 4);

    const gets = state.stats.gets;
    const read = await state.state.keys.get('pre-key', ['5', '900']);
    expect(Object.keys(read)).toEqual(['5']);
    expect(Buffer.from(read['5']?.private as Uint8Array).equals(batch['5']?.private as Buffer)).toBe(true);
    expect(state.stats.gets).toBeGreaterThan(gets);

    await state.state.keys.set({ 'pre-key': { '5': null } });
    expect(await state.state.keys.get('pre-key', ['5'])).toEqual({});
    for (let i = 0; i < 4; i++) await state.state.keys.set({ session: { [`q.${i}`]: { v: i } as never } });
    const restored = await f.open(s);
    expect(Object.keys(await restored.state.keys.get('pre-key', ['4', '5', '6', '812', '813']))).toEqual([
      '4',
      '6',
      '812',
    ]);
  });

  it('fail a read when S3 cannot serve them, rather than report them absent', async () => {
    const s = await f.owned();
    const state = await f.open(s, { compactAfterEntries: 2 });
    await state.state.keys.set({ 'pre-key': preKeyBatch(1, 50) });
    await state.state.keys.set({ session: { k: { v: 1 } as never } });
    const dead = new S3Client({
      ...s3ClientConfig({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }),
      maxAttempts: 1,
    });
    (state as unknown as { options: { s3: S3Client } }).options.s3 = dead;
    try {
      await expect(state.state.keys.get('pre-key', ['7'])).rejects.toThrow();
    } finally {
      dead.destroy();
    }
  });
});
