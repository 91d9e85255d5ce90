import type { Principal } from '#commons/auth/principal.ts';
import { chooseHost } from '#commons/domain/placement.ts';
import type { SessionRecord } from '#commons/domain/session-record.ts';
import type { ControlPatch, UpdateResult } from '#commons/domain/session-repository.ts';
import { InternalError, NoHostAvailableError, SessionNotFoundError } from '#commons/errors/app-errors.ts';
import type { HostRecord } from '#commons/hosts/host-record.ts';
import { UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { liveOwner, loadVisibleSession, nudge } from './session-access.ts';
import { quotasOf } from './tenant-limits.ts';

/** The running-sessions quota a control write moves the session against (none without limits). */
async function runningQuota(
  deps: UseCaseDependencies,
  session: SessionRecord,
): Promise<ControlPatch['running']> {
  if (!deps.limits) return undefined;
  const { maxRunningSessions } = await quotasOf(deps.limits, session.tenantId);
  return { tenantId: session.tenantId, maxRunning: maxRunningSessions };
}

/** Read–decide–write rounds before a conflicting writer is reported as an internal error. */
const MAX_ATTEMPTS = 4;
const DEFAULT_RETRY_AFTER_SECONDS = 5;

type Step = (
  session: SessionRecord,
  owner: HostRecord | undefined,
  now: Date,
) => Promise<{ patch: ControlPatch | undefined; notify: HostRecord | undefined; after?: () => never }>;

/**
 * Runs a control change with optimistic concurrency: the write is conditioned
 * on the owner read, and a lost race re-reads and decides again.
 */
async function control(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  step: Step,
): Promise<SessionRecord> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const session = await loadVisibleSession(deps, principal, sessionId);
    const now = deps.clock();
    const owner = await liveOwner(deps, session, now);
    const { patch, notify, after } = await step(session, owner, now);
    let record = session;
    if (patch) {
      const result: UpdateResult = await deps.sessions.updateControl(sessionId, session.ownerHostId, patch);
      if (!result.ok) {
        if (result.reason === 'not-found') throw new SessionNotFoundError();
        continue;
      }
      record = result.record;
    }
    await nudge(deps, notify, sessionId);
    after?.();
    return record;
  }
  throw new InternalError('session kept changing under a control request');
}

async function placement(
  deps: UseCaseDependencies,
  owner: HostRecord | undefined,
  now: Date,
): Promise<HostRecord | undefined> {
  return owner ?? chooseHost(await deps.hosts.listLive(now), deps.pickIndex);
}

function noHost(deps: UseCaseDependencies, sessionId: string): () => never {
  return () => {
    throw new NoHostAvailableError('no live session host has room; the session starts when one does', {
      retryAfterSeconds: deps.noHostRetryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
      details: { sessionId, desired: 'RUNNING' },
    });
  };
}

/** Desired RUNNING, assigned to the live owner or a placed host. Idempotent. */
export function startSession(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
): Promise<SessionRecord> {
  return control(deps, principal, sessionId, async (session, owner, now) => {
    if (session.desired === 'RUNNING' && owner) return { patch: undefined, notify: owner };
    const target = await placement(deps, owner, now);
    if (!target) {
      // Kept RUNNING and parked on the unassigned owner, where the first live host finds it.
      const parked = session.desired === 'RUNNING' && session.ownerHostId === UNASSIGNED_HOST;
      const running = parked ? undefined : await runningQuota(deps, session);
      const patch = parked
        ? undefined
        : { desired: 'RUNNING' as const, ownerHostId: UNASSIGNED_HOST, running, now };
      return { patch, notify: undefined, after: noHost(deps, sessionId) };
    }
    const running = await runningQuota(deps, session);
    return { patch: { desired: 'RUNNING', ownerHostId: target.hostId, running, now }, notify: target };
  });
}

export function stopSession(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
): Promise<SessionRecord> {
  return control(deps, principal, sessionId, async (session, owner, now) => ({
    patch:
      session.desired === 'STOPPED'
        ? undefined
        : { desired: 'STOPPED', running: await runningQuota(deps, session), now },
    notify: owner,
  }));
}

/** Marks a restart for the owner (or places the session anew) and keeps it RUNNING. */
export function restartSession(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
): Promise<SessionRecord> {
  return control(deps, principal, sessionId, async (session, owner, now) => {
    const target = await placement(deps, owner, now);
    const running = await runningQuota(deps, session);
    if (!target)
      return {
        patch: { desired: 'RUNNING', ownerHostId: UNASSIGNED_HOST, running, now },
        notify: undefined,
        after: noHost(deps, sessionId),
      };
    return {
      patch: {
        desired: 'RUNNING',
        ownerHostId: target.hostId,
        restartRequested: now.toISOString(),
        running,
        now,
      },
      notify: target,
    };
  });
}

/**
 * Unlinks the device. A live owner does it (it holds the connection WhatsApp
 * must be told on) and wipes the auth state; with no live owner the API wipes
 * the auth state itself and records LOGGED_OUT, fenced on owner and epoch.
 */
export async function logoutSession(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
): Promise<SessionRecord> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const session = await loadVisibleSession(deps, principal, sessionId);
    const now = deps.clock();
    const owner = await liveOwner(deps, session, now);
    if (owner) {
      const result = await deps.sessions.updateControl(sessionId, session.ownerHostId, {
        desired: 'STOPPED',
        logoutRequested: true,
        running: await runningQuota(deps, session),
        now,
      });
      if (!result.ok) {
        if (result.reason === 'not-found') throw new SessionNotFoundError();
        continue;
      }
      await nudge(deps, owner, sessionId);
      return result.record;
    }
    await deps.authState.wipe(session.tenantId, session.sessionId);
    const result = await deps.sessions.markLoggedOut(session, now);
    if (result.ok) return result.record;
    if (result.reason === 'not-found') throw new SessionNotFoundError();
  }
  throw new InternalError('session kept changing under a logout request');
}
