import type { HostRecord } from './host-record.ts';

/** The live session hosts. The DynamoDB adapter is DynamoDbHostDirectory. */
export interface HostDirectory {
  /** Hosts whose lease has not expired at `now` (expired rows are filtered, never trusted to be gone). */
  listLive(now: Date): Promise<readonly HostRecord[]>;
  /** The host if it exists and is live at `now`. */
  getLive(hostId: string, now: Date): Promise<HostRecord | undefined>;
}
