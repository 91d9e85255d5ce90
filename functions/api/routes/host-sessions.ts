import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { HostSessionLister } from '#commons/hosts/host-sessions.ts';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses } from '../schemas/common-schemas.ts';
import {
  HostSessionsParams,
  HostSessionsQuery,
  HostSessionsSchema,
} from '../schemas/host-session-schemas.ts';
import { listHostSessions } from '../use-cases/fleet.ts';

const list = createRoute({
  method: 'get',
  path: '/v1/hosts/{hostId}/sessions',
  tags: ['Fleet'],
  summary:
    'The sessions a host owns, or (`~unassigned`) those waiting for a live host, across tenants (MASTER only)',
  security: bearerSecurity,
  request: { params: HostSessionsParams, query: HostSessionsQuery },
  responses: {
    200: {
      description: 'A page of sessions in id order',
      headers: { 'Cache-Control': { schema: { type: 'string', example: 'no-store' } } },
      content: { 'application/json': { schema: HostSessionsSchema } },
    },
    ...errorResponses([400], { 403: 'Not a MASTER token (FORBIDDEN)' }),
  },
});

export function hostSessionRoutes(lister: HostSessionLister): OpenAPIHono<ApiEnv> {
  return createRouter().openapi(list, async (c) => {
    const { limit, after } = c.req.valid('query');
    const page = await listHostSessions(lister, c.get('principal'), c.req.valid('param').hostId, {
      limit,
      after,
    });
    c.header('cache-control', 'no-store');
    return c.json({ sessions: [...page.sessions], ...(page.next && { next: page.next }) }, 200);
  });
}
