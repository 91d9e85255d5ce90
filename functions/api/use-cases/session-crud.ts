import type { Principal } from '#commons/auth/principal.ts';
import { newSessionId } from '#commons/domain/ids.ts';
import { sessionMediaPrefix } from '#commons/domain/media.ts';
import {
  type Metadata,
  newSessionRecord,
  type SessionRecord,
  sessionRecordSchema,
} from '#commons/domain/session-record.ts';
import type { SessionCursor, SessionPage } from '#commons/domain/session-repository.ts';
import type { SessionStatus } from '#commons/domain/session-status.ts';
import { InternalError, SessionNotFoundError } from '#commons/errors/app-errors.ts';
import { UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { actingTenant, loadVisibleSession } from './session-access.ts';
import { quotasOf } from './tenant-limits.ts';

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
  const quota = deps.limits && { maxSessions: (await quotasOf(deps.limits, tenantId)).maxSessions };
  await deps.sessions.create(record, quota);
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

/** Read–fence rounds before a conflicting writer is reported as an internal error. */
const MAX_FENCE_ROUNDS = 3;

/**
 * Fence, quiesce, wipe, remove — in that order, so no auth object (each
 * journal entry carries the full creds) outlives the session:
 * 1. the record moves to the deleting owner with epoch + 1, so every fenced
 *    write of the former owner (status, auth pointer) fails from now on;
 * 2. a live former owner is told and answers only once it closed the session
 *    and no S3 PUT of it is in flight (a PUT precedes its fenced pointer write,
 *    so one can still land after step 1);
 * 3. every object version and delete marker under the prefix is removed,
 *    then the session's media (uploads and received files), and the event
 *    log's seq counter gets the log's expiry;
 * 4. the record goes last: a failure anywhere leaves the fenced record, and
 *    repeating DELETE finishes the job.
 */
export async function deleteSession(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
): Promise<void> {
  const fenced = await fenceForDelete(deps, principal, sessionId);
  const former = fenced.formerOwner;
  if (former !== undefined && former !== UNASSIGNED_HOST) {
    // A former owner whose lease expired fenced itself before that (see README, "Deleting a session").
    const host = await deps.hosts.getLive(former, deps.clock());
    if (host) await deps.hostClient.quiesce(host.endpoint, sessionId);
  }
  await deps.authState.wipe(fenced.record.tenantId, sessionId);
  if (deps.media) await deps.media.store.wipePrefix(sessionMediaPrefix(fenced.record.tenantId, sessionId));
  await deps.events.retire(sessionId);
  await deps.sessions.delete(fenced.record);
}

async function fenceForDelete(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
): Promise<{ record: SessionRecord; formerOwner?: string | undefined }> {
  for (let round = 0; round < MAX_FENCE_ROUNDS; round++) {
    const session = await loadVisibleSession(deps, principal, sessionId, { includeDeleting: true });
    const result = await deps.sessions.markDeleting(session, deps.clock());
    if (result.ok) return result;
    if (result.reason === 'not-found') throw new SessionNotFoundError();
  }
  throw new InternalError('session record kept changing while being fenced for deletion');
}
