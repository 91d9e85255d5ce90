/** The owner and fencing epoch every write a host makes for a session is conditioned on. */
export interface Fence {
  readonly hostId: string;
  readonly epoch: number;
}

/** A conditional write found another owner or a newer epoch: this host no longer owns the session. */
export class FencedError extends Error {
  override readonly name = 'FencedError';
}

/** Where a session's durable auth state currently is. Lives on the session record, written fenced. */
export interface AuthPointer {
  /** Grows by one with every commit. */
  readonly version: number;
  /** Key (relative to the session prefix) of the full snapshot the journal applies to. */
  readonly snapshot?: string | undefined;
  /** Keys of the deltas since the snapshot, oldest first. */
  readonly journal: readonly string[];
  readonly journalBytes: number;
}

export interface AuthPointerStore {
  load(sessionId: string): Promise<AuthPointer | undefined>;
  /** Replaces the pointer if the fence holds and the stored version is `previous`; else FencedError. */
  commit(sessionId: string, fence: Fence, previous: number | undefined, next: AuthPointer): Promise<void>;
  clear(sessionId: string, fence: Fence): Promise<void>;
}
