/**
 * While its host's lease is lost a session commits nothing: each commit waits
 * for the lease (`whenActing`), then goes, or fails its fence if the session
 * was fenced meanwhile (a DELETE's quiesce, a peer's takeover): no object is
 * written for a session whose record moved on. The real S3AuthState against
 * the embedded S3 and DynamoDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FencedError } from '#commons/domain/fence.ts';
import { type AuthFixture, authFixture } from './auth-state-fixture.ts';

let f: AuthFixture;
beforeAll(async () => {
  f = await authFixture('authwait');
});
afterAll(() => f?.aws.destroy());

/** A session's auth state whose commits wait on a gate the test closes (the lease lost) and opens. */
async function openWithGate() {
  const owned = await f.owned();
  let open = (): void => undefined;
  let gate: Promise<void> = Promise.resolve();
  const auth = await f.open(owned, { whenActing: () => gate });
  const close = () => {
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
  };
  return { sessionId: owned.sessionId, auth, close, open: () => open() };
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
    const pointer = (await f.ownership.get(s.sessionId))?.authPointer?.version;
    s.close();
    const commit = settled(s.auth.state.keys.set({ session: { 'peer.0': { v: 1 } as never } }));
    // Nothing can make it land but the gate: its S3 PUT and pointer write come after it.
    await new Promise((r) => setTimeout(r, 200));
    expect(s.auth.stats.puts).toBe(puts);
    expect((await f.ownership.get(s.sessionId))?.authPointer?.version).toBe(pointer);
    s.open();
    expect(await commit).toBe('done');
    expect(s.auth.stats.puts).toBe(puts + 1);
    expect((await f.ownership.get(s.sessionId))?.authPointer?.version).toBe((pointer ?? 0) + 1);
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
