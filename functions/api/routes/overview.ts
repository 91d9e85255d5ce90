import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses } from '../schemas/common-schemas.ts';
import { OverviewQuery, OverviewSchema, toOverviewView } from '../schemas/overview-schemas.ts';
import { describeOverview, type OverviewDependencies } from '../use-cases/overview.ts';

const overview = createRoute({
  method: 'get',
  path: '/v1/stats/overview',
  tags: ['Stats'],
  summary: 'Sessions by status and messages in/out per minute over the last hour',
  description:
    'Counted from the event log’s stream by the webhook dispatcher, so the counts trail the events by the stream’s delay (about a second).',
  security: bearerSecurity,
  request: { query: OverviewQuery },
  responses: {
    200: {
      description: 'The overview',
      headers: { 'Cache-Control': { schema: { type: 'string', example: 'no-store' } } },
      content: { 'application/json': { schema: OverviewSchema } },
    },
    ...errorResponses([400], { 403: 'An ADMIN token named another tenant (FORBIDDEN)' }),
  },
});

export function overviewRoutes(deps: OverviewDependencies): OpenAPIHono<ApiEnv> {
  return createRouter().openapi(overview, async (c) => {
    const result = await describeOverview(deps, c.get('principal'), c.req.valid('query').tenantId);
    c.header('cache-control', 'no-store');
    return c.json(toOverviewView(result), 200);
  });
}
