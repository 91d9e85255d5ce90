import type { SessionStatus } from '../domain/session-status.ts';

/** A session as the fleet view lists it under its owner. */
export interface OwnedSession {
  readonly sessionId: string;
  readonly tenantId: string;
  readonly name?: string | undefined;
  readonly status: SessionStatus;
  readonly desired: string;
}

export interface OwnedSessionPage {
  readonly sessions: readonly OwnedSession[];
  /** The last session id of the page, when more may follow. */
  readonly next?: string | undefined;
}

/** Sessions by owner host (UNASSIGNED_HOST: waiting for one). The DynamoDB adapter is DynamoDbHostSessions. */
export interface HostSessionLister {
  listOwned(ownerHostId: string, limit: number, after?: string): Promise<OwnedSessionPage>;
}
