import { S3Client } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { s3ClientConfig } from '#commons/aws/client-config.ts';
import { maxAttemptsWithin, type StartBackoffSchedule } from '#commons/domain/start-backoff.ts';
import { UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';
import type { AuthStateStore } from '../../session-host/src/ports/auth-state-store.ts';
import { startToggleProxy, type ToggleProxy } from '../support/toggle-proxy.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

let h: HostHarness;
let proxy: ToggleProxy | undefined;
let s3: S3Client | undefined;
beforeEach(async () => {
  h = await HostHarness.create();
});
afterEach(async () => {
  await h.dispose();
  await proxy?.close();
  s3?.destroy();
  proxy = undefined;
  s3 = undefined;
});

/** Counts how many auth-state opens run at once; each open lingers a little so overlaps show. */
function concurrencyProbe() {
  const probe = { now: 0, max: 0, opens: 0 };
  const wrap = (store: AuthStateStore): AuthStateStore => ({
    wipe: (prefix) => store.wipe(prefix),
    open: async (options) => {
      probe.now += 1;
      probe.opens += 1;
      probe.max = Math.max(probe.max, probe.now);
      try {
        await new Promise((r) => setTimeout(r, 150));
        return await store.open(options);
      } finally {
        probe.now -= 1;
      }
    },
  });
  return { probe, wrap };
}

async function setDesired(sessionId: string, desired: 'RUNNING' | 'STOPPED') {
  await h.aws.doc.send(
    new UpdateCommand({
      TableName: h.aws.tables.sessions,
      Key: { sessionId },
      UpdateExpression: 'SET desired = :d',
      ExpressionAttributeValues: { ':d': desired },
    }),
  );
}

describe('session host start limits', () => {
  it('starts many assigned sessions with at most startConcurrency auth-state opens at once', async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => h.createSession()));
    const { probe, wrap } = concurrencyProbe();
    await h.startHost('host-1', { limits: { startConcurrency: 2 }, wrapAuthStates: wrap });
    for (const id of ids) await h.waitForStatus(id, 'QR', 30_000);
    expect(probe.opens).toBe(8);
    expect(probe.max).toBeLessThanOrEqual(2);
    expect(probe.max).toBeGreaterThan(0);
  });

  it('backs off per session while S3 is away: claims and events stay within the schedule, then it starts', async () => {
    // "S3 away for a minute" scaled down ten times, with a schedule scaled alike.
    const schedule: StartBackoffSchedule = { baseMs: 200, maxMs: 1_600 };
    const outageRounds = 24; // reconcile rounds of 250 ms: ~6 s
    proxy = await startToggleProxy(new URL(h.aws.storage.s3Endpoint as string));
    s3 = new S3Client({ ...s3ClientConfig({ region: 'us-east-1', endpoint: proxy.url }), maxAttempts: 1 });
    const first = await h.startHost('host-1', { s3 });
    const sessionId = await h.createSession();
    await h.link(sessionId);
    await h.stopHost(first);
    const epochBefore = (await h.record(sessionId))?.epoch as number;

    proxy.down();
    const startedAt = performance.now();
    const running = await h.startHost('host-1', { s3, limits: { startBackoff: schedule } });
    await h.waitForEvent(
      sessionId,
      (e) => e.type === 'session:error' && e.data.code === 'AUTH_STATE_UNAVAILABLE',
    );
    await running.rounds.after(outageRounds, 30_000);
    const outageMs = performance.now() - startedAt;
    const claims = ((await h.record(sessionId))?.epoch as number) - epochBefore;
    const errors = (await h.eventsOf(sessionId)).filter(
      (e) => e.type === 'session:error' && e.data.code === 'AUTH_STATE_UNAVAILABLE',
    );
    const bound = maxAttemptsWithin(schedule, outageMs);
    expect(claims).toBeGreaterThanOrEqual(2);
    expect(claims).toBeLessThanOrEqual(bound);
    expect(claims).toBeLessThan(outageRounds);
    // One event per outage, not one per retry.
    expect(errors).toHaveLength(1);
    expect(running.metrics.startRetries.value).toBe(claims - 1);

    proxy.up();
    await h.waitForStatus(sessionId, 'CONNECTED', 20_000);
  });

  it('hands a session placed on a full host back, with NO_HOST_AVAILABLE, and it starts where room appears', async () => {
    // Three sessions placed on one host of capacity 2 within one heartbeat (the API saw load 0).
    const ids = await Promise.all([h.createSession(), h.createSession(), h.createSession()]);
    const full = await h.startHost('host-1', { capacity: 2 });
    const parked = await waitFor(async () => {
      for (const id of ids) {
        const r = await h.record(id);
        if (r?.ownerHostId === UNASSIGNED_HOST) return r;
      }
      return undefined;
    }, 'one session handed back to the unassigned owner');
    expect(parked.statusReason?.code).toBe('NO_HOST_AVAILABLE');
    expect(parked.statusReason?.message).toContain('host-1');
    expect(parked.desired).toBe('RUNNING');
    expect(full.metrics.handBacks.value).toBe(1);
    const placed = ids.filter((id) => id !== parked.sessionId);
    for (const id of placed) await h.waitForStatus(id, 'QR');
    expect(full.host.load).toBe(2);

    // Room appears on another host: the parked session starts there within a heartbeat or two.
    await h.startHost('host-2', { capacity: 2 });
    await h.waitForRecord(parked.sessionId, (r) => r.ownerHostId === 'host-2', 'owned by host-2');
    for (const id of ids) await h.link(id);
    const owners = await Promise.all(ids.map(async (id) => (await h.record(id))?.ownerHostId));
    expect(owners.filter((o) => o === 'host-1')).toHaveLength(2);
  });

  it('keeps no per-session map entry for sessions it no longer runs', async () => {
    let failOpens = false;
    const wrap = (store: AuthStateStore): AuthStateStore => ({
      wipe: (prefix) => store.wipe(prefix),
      open: (options) => (failOpens ? Promise.reject(new Error('store away')) : store.open(options)),
    });
    const { host } = await h.startHost('host-1', {
      wrapAuthStates: wrap,
      limits: { startBackoff: { baseMs: 60_000, maxMs: 60_000 } },
    });
    const ids = await Promise.all(Array.from({ length: 4 }, () => h.createSession()));
    for (const id of ids) await h.waitForStatus(id, 'QR');
    await h.link(ids[0] as string);
    // One session whose start fails and backs off (a retry entry), then is stopped.
    failOpens = true;
    const failing = await h.createSession();
    await h.waitForEvent(failing, (e) => e.type === 'session:error');
    expect(host.perSessionEntries().startRetries).toBe(1);

    for (const id of [...ids, failing]) await setDesired(id, 'STOPPED');
    for (const id of ids) await h.waitForStatus(id, 'STOPPED');
    const empty = await waitFor(
      () => {
        const entries = host.perSessionEntries();
        return Object.values(entries).every((n) => n === 0) && entries;
      },
      () => `every per-session map empty; saw ${JSON.stringify(host.perSessionEntries())}`,
    );
    expect(empty).toEqual({
      sessions: 0,
      restartTokens: 0,
      authWriters: 0,
      eventQueues: 0,
      reconcileQueues: 0,
      startRetries: 0,
      outboxDrains: 0,
    });
  });
});
