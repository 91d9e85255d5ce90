import type { Principal } from '#commons/auth/principal.ts';
import {
  ALL_TENANTS,
  fillWindow,
  MAX_STATS_SESSIONS,
  type MessageStatsStore,
  type MinuteCount,
  minuteOf,
  type SessionStatusCounter,
  STATS_WINDOW_MINUTES,
  type StatusCounts,
} from '#commons/domain/message-stats.ts';
import { actingTenant } from './session-access.ts';

export interface OverviewDependencies {
  readonly messages: MessageStatsStore;
  readonly statuses: SessionStatusCounter;
  readonly clock: () => Date;
}

export interface Overview {
  /** A tenant id, or ALL_TENANTS for a MASTER that named none. */
  readonly scope: string;
  readonly sessions: { readonly byStatus: StatusCounts; readonly total: number; readonly complete: boolean };
  /** STATS_WINDOW_MINUTES minutes, oldest first, the current (partial) minute last. */
  readonly minutes: readonly MinuteCount[];
}

/**
 * Sessions by status and messages per minute. ADMIN sees its own tenant;
 * MASTER every tenant, or the one it names.
 */
export async function describeOverview(
  deps: OverviewDependencies,
  principal: Principal,
  requestedTenant: string | undefined,
): Promise<Overview> {
  const scope =
    principal.role === 'MASTER' && requestedTenant === undefined
      ? ALL_TENANTS
      : actingTenant(principal, requestedTenant);
  const now = minuteOf(deps.clock().getTime());
  const [sessions, counts] = await Promise.all([
    deps.statuses.count(scope, MAX_STATS_SESSIONS),
    deps.messages.read(scope, now - STATS_WINDOW_MINUTES + 1, now),
  ]);
  const total = Object.values(sessions.counts).reduce((a, b) => a + b, 0);
  return {
    scope,
    sessions: { byStatus: sessions.counts, total, complete: sessions.complete },
    minutes: fillWindow(counts, now),
  };
}
