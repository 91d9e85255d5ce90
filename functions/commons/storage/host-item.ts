import type { RegisteredHost } from '../hosts/host-directory.ts';
import type { HostRegistration } from '../hosts/host-registry.ts';

/**
 * The hosts table's item codec, shared by its two adapters (API role:
 * DynamoDbHostDirectory; host role: DynamoDbHostRegistry).
 */
export type HostItem = Record<string, unknown>;

export function hostKey(hostId: string): { hostId: string } {
  return { hostId };
}

/** The lease ends this many epoch seconds after `nowMs`; TTL and readers both use it. */
export function leaseExpiresAt(nowMs: number, leaseMs: number): number {
  return Math.ceil((nowMs + leaseMs) / 1000);
}

/**
 * How long a host's row outlives its lease before DynamoDB's TTL may purge it.
 * Peers judge liveness by heartbeat versions, not by this; the row must stay
 * long enough for a live peer to see the host still and take its sessions
 * (DynamoDB Local purges within seconds of expiry, DynamoDB within days).
 */
export const HOST_RECORD_RETENTION_SECONDS = 3_600;

/** The TTL attribute's value (the hosts table purges on `purgeAt`, never on the lease's `expiresAt`). */
export function hostPurgeAt(nowMs: number, leaseMs: number): number {
  return leaseExpiresAt(nowMs, leaseMs) + HOST_RECORD_RETENTION_SECONDS;
}

export function encodeHostItem(
  host: HostRegistration,
  state: { load: number; heartbeatVersion: number; nowMs: number; leaseMs: number },
): HostItem {
  return {
    ...host,
    load: state.load,
    heartbeatVersion: state.heartbeatVersion,
    heartbeatAt: state.nowMs,
    expiresAt: leaseExpiresAt(state.nowMs, state.leaseMs),
    purgeAt: hostPurgeAt(state.nowMs, state.leaseMs),
  };
}

export function decodeHostItems(items: readonly HostItem[] | undefined): RegisteredHost[] {
  return (items ?? []) as unknown as RegisteredHost[];
}

export function decodeHostItem(item: HostItem | undefined): RegisteredHost | undefined {
  return item as RegisteredHost | undefined;
}
