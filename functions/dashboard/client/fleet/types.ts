export interface HostView {
  readonly hostId: string;
  readonly endpoint: string;
  readonly capacity: number;
  readonly load: number;
  readonly live: boolean;
  readonly draining: boolean;
  readonly gone: boolean;
  readonly heartbeatAt: string;
  readonly sessions: number;
}

export interface FleetView {
  readonly hosts: readonly HostView[];
  readonly unassigned: number;
}

export interface OwnedSessionView {
  readonly sessionId: string;
  readonly tenantId: string;
  readonly name?: string;
  readonly status: string;
  readonly desired: string;
}

/** The sessions-owner value of sessions waiting for a host. */
export const WAITING = '~unassigned';

export function liveness(h: HostView): string {
  if (h.gone) return 'gone';
  if (!h.live) return 'dead (lease expired)';
  return h.draining ? 'draining' : 'live';
}
