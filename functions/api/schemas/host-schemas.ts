import { z } from '@hono/zod-openapi';
import type { FleetStatus, HostStatus } from '../use-cases/fleet.ts';

export const HostSchema = z
  .object({
    hostId: z.string(),
    endpoint: z.string().openapi({ description: 'Internal endpoint of the host.' }),
    capacity: z.number().int(),
    load: z.number().int().openapi({ description: 'Sessions the host last reported running.' }),
    live: z.boolean().openapi({ description: 'Lease unexpired and not gone.' }),
    draining: z.boolean(),
    gone: z.boolean().openapi({ description: 'Left the fleet; its row stays until it expires.' }),
    heartbeatAt: z.string().openapi({ description: 'ISO-8601 time of the last heartbeat.' }),
    sessions: z.number().int().openapi({ description: 'Sessions whose record names this host as owner.' }),
  })
  .openapi('Host');

export const FleetSchema = z
  .object({
    hosts: z.array(HostSchema),
    unassigned: z
      .number()
      .int()
      .openapi({ description: 'Sessions that should run and wait for a live host to take them.' }),
  })
  .openapi('Fleet');

type HostView = z.infer<typeof HostSchema>;

function toHostView({ host, live, sessions }: HostStatus): HostView {
  return {
    hostId: host.hostId,
    endpoint: host.endpoint,
    capacity: host.capacity,
    load: host.load,
    live,
    draining: host.draining === true,
    gone: host.gone === true,
    heartbeatAt: new Date(host.heartbeatAt).toISOString(),
    sessions,
  };
}

export function toFleetView(fleet: FleetStatus): z.infer<typeof FleetSchema> {
  return { hosts: fleet.hosts.map(toHostView), unassigned: fleet.unassigned };
}
