import type { Rate, RateLimiter } from '#commons/limits/rate.ts';

/** Counts what a WebSocket cap bounds, stopping once past `upTo` (a cap needs no exact figure beyond it). */
export interface WsUsage {
  /** Live (unexpired) connections of the tenant. */
  liveConnections(tenantId: string, upTo: number): Promise<number>;
  /** Sessions the connection is subscribed to (unexpired), at most `upTo` of them. */
  subscribedSessions(connectionId: string, upTo: number): Promise<readonly string[]>;
}

export interface WsLimits {
  readonly maxConnectionsPerTenant: number;
  readonly maxSubscriptionsPerConnection: number;
  /** Actions after `$connect`, per tenant, shared by every instance. */
  readonly actionRate: Rate;
  readonly usage: WsUsage;
  readonly rates: RateLimiter;
}

/** Defaults (README, "Limits"); each is a setting. */
export const WS_LIMIT_DEFAULTS = {
  maxConnectionsPerTenant: 1_000,
  maxSubscriptionsPerConnection: 100,
} as const;

/** The WebSocket actions' bucket in the tenants table (the REST API has its own). */
export const WS_RATE_BUCKET = 'ws';
