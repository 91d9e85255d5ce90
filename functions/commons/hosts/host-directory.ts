import type { HostRecord } from './host-record.ts';

/** A host row as stored: a host that left the fleet stays, marked `gone`, until TTL removes it. */
export interface RegisteredHost extends HostRecord {
  readonly gone?: boolean | undefined;
}

/** The session hosts and what they own. The DynamoDB adapter is DynamoDbHostDirectory. */
export interface HostDirectory {
  /** Hosts whose lease has not expired at `now` (expired rows are filtered, never trusted to be gone). */
  listLive(now: Date): Promise<readonly HostRecord[]>;
  /** The host if it exists and is live at `now`. */
  getLive(hostId: string, now: Date): Promise<HostRecord | undefined>;
  /** Every stored host row, live or not, for operators. */
  listAll(): Promise<readonly RegisteredHost[]>;
  /** How many sessions name `ownerHostId` as their owner (UNASSIGNED_HOST counts parked ones). */
  countOwnedSessions(ownerHostId: string): Promise<number>;
}
