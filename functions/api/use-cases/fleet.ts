import type { Principal } from '#commons/auth/principal.ts';
import { ForbiddenError } from '#commons/errors/app-errors.ts';
import type { RegisteredHost } from '#commons/hosts/host-directory.ts';
import { isLive, UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';
import type { HostSessionLister, OwnedSessionPage } from '#commons/hosts/host-sessions.ts';
import type { UseCaseDependencies } from './dependencies.ts';

export interface HostStatus {
  readonly host: RegisteredHost;
  readonly live: boolean;
  /** Sessions whose record names this host as owner, whether or not it still runs them. */
  readonly sessions: number;
}

export interface FleetStatus {
  /** Every stored host row, ordered by hostId. */
  readonly hosts: readonly HostStatus[];
  /** Sessions that should run but wait for a live host to take them. */
  readonly unassigned: number;
}

/** The fleet as operators see it; hosts serve every tenant, so only a MASTER token may look. */
export async function describeFleet(deps: UseCaseDependencies, principal: Principal): Promise<FleetStatus> {
  if (principal.role !== 'MASTER') throw new ForbiddenError('only a MASTER token may list hosts');
  const now = deps.clock();
  const hosts = [...(await deps.hosts.listAll())].sort((a, b) => (a.hostId < b.hostId ? -1 : 1));
  const [unassigned, ...owned] = await Promise.all([
    deps.hosts.countOwnedSessions(UNASSIGNED_HOST),
    ...hosts.map((h) => deps.hosts.countOwnedSessions(h.hostId)),
  ]);
  return {
    // A host that left the fleet is dead at once, whatever its lease says.
    hosts: hosts.map((host, i) => ({
      host,
      live: isLive(host, now) && host.gone !== true,
      sessions: owned[i] ?? 0,
    })),
    unassigned: unassigned ?? 0,
  };
}

/** A page of the sessions a host owns (UNASSIGNED_HOST: those waiting for a host), across tenants: MASTER only. */
export async function listHostSessions(
  lister: HostSessionLister,
  principal: Principal,
  hostId: string,
  page: { readonly limit: number; readonly after?: string | undefined },
): Promise<OwnedSessionPage> {
  if (principal.role !== 'MASTER') throw new ForbiddenError('only a MASTER token may list a host’s sessions');
  return lister.listOwned(hostId, page.limit, page.after);
}
