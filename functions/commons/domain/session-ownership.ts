import type { AuthPointer, AuthPointerStore, Fence } from './fence.ts';
import type { SessionRecord } from './session-record.ts';
import type { SessionStatus, StatusReason } from './session-status.ts';

/** A session record as a host reads it: with the auth pointer and the incarnation that claimed it. */
export type OwnedSession = SessionRecord & { authPointer?: AuthPointer; claimedBy?: string };

export interface StatusPatch {
  readonly status: SessionStatus;
  /** null removes it. */
  readonly statusReason?: StatusReason | null;
  readonly qr?: { value: string; seq: number; expiresAt: string } | null;
  readonly me?: { jid: string; phoneNumber: string; name?: string } | null;
  /** Clears a processed logout request. */
  readonly clearLogoutRequest?: boolean;
}

/**
 * A host judged dead, as it was when judged: the heartbeat version then seen
 * (undefined: it had no row). A takeover lands only while that still holds,
 * so a host that renewed its lease in the meantime keeps its sessions.
 */
export interface DeadOwner {
  readonly hostId: string;
  readonly heartbeatVersion?: number;
}

/**
 * What a session host reads and writes on session records (the host role of
 * the sessions table; the API role is SessionRepository). Every write after
 * the claim is fenced on owner + epoch and fails with FencedError otherwise.
 * The DynamoDB adapter is DynamoDbSessionOwnership.
 */
export interface SessionOwnership extends AuthPointerStore {
  /** A consistent read. */
  get(sessionId: string): Promise<OwnedSession | undefined>;
  /** Sessions assigned to `hostId` (may lag; the claim re-checks). */
  assignedTo(hostId: string): Promise<OwnedSession[]>;
  /**
   * Every host id some session names as its owner (a scan of the owner index:
   * call it rarely). Finds owners whose registry row is long gone.
   */
  owners(): Promise<string[]>;
  /** Epoch + 1 if `hostId` still owns it at `seenEpoch`; undefined when someone else moved first. */
  claim(
    sessionId: string,
    hostId: string,
    incarnation: string,
    seenEpoch: number,
  ): Promise<Fence | undefined>;
  /**
   * Moves a session off a dead host (epoch + 1); false when it moved meanwhile,
   * or when the dead host renewed since it was judged dead (its heartbeat
   * version is no longer the one seen, or a row appeared where none was).
   */
  takeover(sessionId: string, dead: DeadOwner, seenEpoch: number, hostId: string): Promise<boolean>;
  /** Hands a session to `target` (graceful handoff), epoch + 1. */
  release(sessionId: string, fence: Fence, target: string): Promise<void>;
  /** The actual status; `desired` STOPPED when the host gives up, so nothing restarts it in a loop. */
  writeStatus(sessionId: string, fence: Fence, patch: StatusPatch, desired?: 'STOPPED'): Promise<void>;
}
