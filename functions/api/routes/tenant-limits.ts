import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses } from '../schemas/common-schemas.ts';
import { TenantLimitsBody, TenantLimitsSchema, TenantParams } from '../schemas/tenant-schemas.ts';
import { getTenantLimits, type LimitDependencies, setTenantLimits } from '../use-cases/tenant-limits.ts';

const MASTER_ONLY = { 403: 'Not a MASTER token (FORBIDDEN)' };

const read = createRoute({
  method: 'get',
  path: '/v1/tenants/{tenantId}/limits',
  tags: ['Tenants'],
  summary: 'A tenant’s quotas: defaults, overrides and what is in force (MASTER only)',
  security: bearerSecurity,
  request: { params: TenantParams },
  responses: {
    200: { description: 'The limits', content: { 'application/json': { schema: TenantLimitsSchema } } },
    ...errorResponses([400], MASTER_ONLY),
  },
});

const write = createRoute({
  method: 'put',
  path: '/v1/tenants/{tenantId}/limits',
  tags: ['Tenants'],
  summary: 'Replace a tenant’s quota overrides (MASTER only)',
  security: bearerSecurity,
  request: {
    params: TenantParams,
    body: { required: true, content: { 'application/json': { schema: TenantLimitsBody } } },
  },
  responses: {
    200: { description: 'The limits now', content: { 'application/json': { schema: TenantLimitsSchema } } },
    ...errorResponses([400], MASTER_ONLY),
  },
});

export function tenantLimitRoutes(limits: LimitDependencies, clock: () => Date): OpenAPIHono<ApiEnv> {
  return createRouter()
    .openapi(read, async (c) =>
      c.json(await getTenantLimits(limits, c.get('principal'), c.req.valid('param').tenantId), 200),
    )
    .openapi(write, async (c) =>
      c.json(
        await setTenantLimits(
          limits,
          c.get('principal'),
          c.req.valid('param').tenantId,
          c.req.valid('json'),
          clock(),
        ),
        200,
      ),
    );
}
