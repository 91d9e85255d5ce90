import type { Principal } from '#commons/auth/principal.ts';
import { newSessionId } from '#commons/domain/ids.ts';
import {
  type Metadata,
  newSessionRecord,
  type SessionRecord,
  sessionRecordSchema,
} from '#commons/domain/session-record.ts';
import type { SessionCursor, SessionPage } from '#commons/domain/session-repository.ts';
import type { SessionStatus } from '#commons/domain/session-status.ts';
import { InternalError } from '#commons/errors/app-errors.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { actingTenant, liveOwner, loadVisibleSession, nudge } from './session-access.ts';

export interface CreateSessionInput {
  readonly tenantId?: string | undefined;
  readonly name?: string | undefined;
  readonly phoneNumber?: string | undefined;
  readonly metadata?: Metadata | undefined;
}

export async function createSession(
  deps: UseCaseDependencies,
  principal: Principal,
  input: CreateSessionInput,
): Promise<SessionRecord> {
  const tenantId = actingTenant(principal, input.tenantId);
  const sessionId = (deps.newSessionId ?? newSessionId)();
  const record = newSessionRecord({ ...input, tenantId }, sessionId, deps.clock());
  const checked = sessionRecordSchema.safeParse(record);
  if (!checked.success)
    throw new InternalError('refusing to store an invalid session record', { cause: checked.error });
  await deps.sessions.create(record);
  return record;
}

export interface ListSessionsInput {
  readonly tenantId?: string | undefined;
  readonly limit: number;
  readonly cursor?: SessionCursor | undefined;
  readonly status?: SessionStatus | undefined;
}

export async function listSessions(
  deps: UseCaseDependencies,
  principal: Principal,
  input: ListSessionsInput,
): Promise<SessionPage> {
  const tenantId = actingTenant(principal, input.tenantId);
  return deps.sessions.listByTenant(tenantId, input);
}

export async function getSession(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
): Promise<SessionRecord> {
  return loadVisibleSession(deps, principal, sessionId);
}

/**
 * Wipes the auth state first (so a failure leaves a record to retry the
 * delete on), then removes the record and its name, then tells the owner,
 * which finds the record gone and stops.
 */
export async function deleteSession(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
): Promise<void> {
  const session = await loadVisibleSession(deps, principal, sessionId);
  const owner = await liveOwner(deps, session, deps.clock());
  await deps.authState.wipe(session.tenantId, session.sessionId);
  await deps.sessions.delete(session);
  await nudge(deps, owner, session.sessionId);
}
