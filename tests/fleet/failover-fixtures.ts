import type { Clock } from '#commons/domain/clock.ts';
import type { OwnedSession } from '#commons/domain/session-ownership.ts';
import type { HostRegistration } from '#commons/hosts/host-registry.ts';

/** Monotonic time that only moves when the test says so. */
export function manualClock(): Clock & { advance(ms: number): void } {
  let t = 0;
  return {
    now: () => t,
    wallNow: () => Date.UTC(2026, 0, 1) + t,
    setTimeout: () => undefined,
    setInterval: () => undefined,
    clear: () => undefined,
    sleep: async () => undefined,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A connected session a dead host still names as its owner. */
export function orphanRecord(sessionId: string, epoch: number): OwnedSession {
  const at = new Date(0).toISOString();
  return {
    sessionId,
    tenantId: 't',
    createdAt: at,
    updatedAt: at,
    createdKey: at,
    desired: 'RUNNING',
    status: 'CONNECTED',
    ownerHostId: 'dead',
    epoch,
  };
}

export function registration(hostId: string, capacity = 500): HostRegistration {
  return { hostId, incarnation: `${hostId}#1`, endpoint: 'x', capacity };
}
