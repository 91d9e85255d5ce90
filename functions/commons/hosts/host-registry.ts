import type { RegisteredHost } from './host-directory.ts';

/** What a host registers about itself. */
export interface HostRegistration {
  readonly hostId: string;
  /** Unique per process start: a restarted host is a new incarnation of the same id. */
  readonly incarnation: string;
  readonly endpoint: string;
  readonly capacity: number;
}

/**
 * A host's view of the hosts table (the host role; the API role is
 * HostDirectory): its own record kept alive, and every peer's for failover.
 * The DynamoDB adapter is DynamoDbHostRegistry.
 */
export interface HostRegistry {
  register(host: HostRegistration, load: number): Promise<void>;
  /** Renews the lease; false when the record is gone or belongs to another incarnation. */
  heartbeat(host: HostRegistration, load: number, draining: boolean): Promise<boolean>;
  /** Leaves the fleet, marked gone, so peers take over at once. */
  deregister(host: HostRegistration): Promise<void>;
  /** Every host record, live or not. */
  all(): Promise<RegisteredHost[]>;
  /** Removes a dead host's record unless it renewed since `seenVersion`. */
  forget(hostId: string, seenVersion: number): Promise<void>;
}
