import type { SessionRecord } from './session-record.ts';
import type { DesiredState, SessionStatus } from './session-status.ts';

/** Where session records live. The DynamoDB adapter is DynamoDbSessionRepository. */
export interface SessionRepository {
  /**
   * Stores a new record and claims its name in the tenant; SessionNameTakenError
   * when taken. With a quota, counts the session in the same write and throws
   * QuotaExceededError (nothing stored) when the tenant already has `maxSessions`.
   */
  create(record: SessionRecord, quota?: { readonly maxSessions: number }): Promise<void>;
  get(sessionId: string): Promise<SessionRecord | undefined>;
  listByTenant(tenantId: string, query: SessionListQuery): Promise<SessionPage>;
  /** Writes the API-owned control fields if the owner is still `expectedOwner`. */
  updateControl(
    sessionId: string,
    expectedOwner: string | undefined,
    patch: ControlPatch,
  ): Promise<UpdateResult>;
  /**
   * Records a logout the API performed itself (no live host owned the session),
   * fenced on owner and epoch so a host that claimed meanwhile wins.
   */
  markLoggedOut(session: SessionRecord, now: Date): Promise<UpdateResult>;
  /**
   * Fences the session for deletion: owner DELETING_OWNER, epoch + 1, desired
   * STOPPED, conditioned on the epoch `session` was read at. Returns the host
   * that owned it before the first such write (kept across repeats), or
   * `conflict` when the record changed since it was read.
   */
  markDeleting(session: SessionRecord, now: Date): Promise<MarkDeletingResult>;
  /** Removes a record fenced by markDeleting, and its name claim, together; SessionNotFoundError otherwise. */
  delete(session: SessionRecord): Promise<void>;
}

export interface SessionListQuery {
  readonly limit: number;
  readonly cursor?: SessionCursor | undefined;
  readonly status?: SessionStatus | undefined;
}

export interface SessionCursor {
  readonly createdKey: string;
  readonly sessionId: string;
}

export interface SessionPage {
  readonly items: readonly SessionRecord[];
  readonly next?: SessionCursor | undefined;
}

export interface ControlPatch {
  readonly desired: DesiredState;
  /** `null` removes the assignment; undefined leaves it. */
  readonly ownerHostId?: string | null | undefined;
  readonly restartRequested?: string | undefined;
  readonly logoutRequested?: boolean | undefined;
  /**
   * Moves the session in or out of its tenant's running sessions in the same
   * write: in (refused with QuotaExceededError at `maxRunning`) when desired
   * is RUNNING, out when STOPPED.
   */
  readonly running?: { readonly tenantId: string; readonly maxRunning: number } | undefined;
  readonly now: Date;
}

export type MarkDeletingResult =
  | { readonly ok: true; readonly record: SessionRecord; readonly formerOwner?: string | undefined }
  | { readonly ok: false; readonly reason: 'not-found' | 'conflict' };

export type UpdateResult =
  | { readonly ok: true; readonly record: SessionRecord }
  | { readonly ok: false; readonly reason: 'not-found' | 'conflict' };
