import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses } from '../schemas/common-schemas.ts';
import { FleetSchema, toFleetView } from '../schemas/host-schemas.ts';
import type { UseCaseDependencies } from '../use-cases/dependencies.ts';
import { describeFleet } from '../use-cases/fleet.ts';

const list = createRoute({
  method: 'get',
  path: '/v1/hosts',
  tags: ['Fleet'],
  summary: 'List every session host, live or not, with the sessions it owns (MASTER only)',
  security: bearerSecurity,
  responses: {
    200: {
      description: 'The fleet',
      headers: { 'Cache-Control': { schema: { type: 'string', example: 'no-store' } } },
      content: { 'application/json': { schema: FleetSchema } },
    },
    ...errorResponses([], { 403: 'Not a MASTER token (FORBIDDEN)' }),
  },
});

export function hostRoutes(deps: UseCaseDependencies): OpenAPIHono<ApiEnv> {
  return createRouter().openapi(list, async (c) => {
    const fleet = await describeFleet(deps, c.get('principal'));
    c.header('cache-control', 'no-store');
    return c.json(toFleetView(fleet), 200);
  });
}
