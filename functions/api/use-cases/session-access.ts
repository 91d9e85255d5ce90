import { canAccessTenant, type Principal } from '#commons/auth/principal.ts';
import type { SessionRecord } from '#commons/domain/session-record.ts';
import { ForbiddenError, SessionNotFoundError } from '#commons/errors/app-errors.ts';
import { DELETING_OWNER, type HostRecord } from '#commons/hosts/host-record.ts';
import type { UseCaseDependencies } from './dependencies.ts';

/**
 * The session if the principal may see it; another tenant's session is
 * reported as missing, and so is one being deleted (only a repeated DELETE
 * still finds it, to finish the job).
 */
export async function loadVisibleSession(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  options: { readonly includeDeleting?: boolean } = {},
): Promise<SessionRecord> {
  const session = await deps.sessions.get(sessionId);
  if (!session || !canAccessTenant(principal, session.tenantId)) throw new SessionNotFoundError();
  if (session.ownerHostId === DELETING_OWNER && !options.includeDeleting) throw new SessionNotFoundError();
  return session;
}

/** The tenant a collection request acts on: the one asked for (MASTER only) or the caller's own. */
export function actingTenant(principal: Principal, requested: string | undefined): string {
  const tenantId = requested ?? principal.tenantId;
  if (!canAccessTenant(principal, tenantId))
    throw new ForbiddenError('this token may not act on that tenant');
  return tenantId;
}

export async function liveOwner(
  deps: UseCaseDependencies,
  session: SessionRecord,
  now: Date,
): Promise<HostRecord | undefined> {
  return session.ownerHostId === undefined ? undefined : deps.hosts.getLive(session.ownerHostId, now);
}

/** Best effort: hosts also reconcile on a timer, so a lost nudge only delays. */
export async function nudge(
  deps: UseCaseDependencies,
  host: HostRecord | undefined,
  sessionId: string,
): Promise<void> {
  if (!host) return;
  try {
    await deps.hostClient.nudge(host.endpoint, sessionId);
  } catch (err) {
    deps.log.warn({ err, hostId: host.hostId, sessionId }, 'host nudge failed');
  }
}
