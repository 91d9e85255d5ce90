import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses } from '../schemas/common-schemas.ts';
import {
  CreatedWebhookSchema,
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveryPageSchema,
  ReplayBody,
  ReplayResultSchema,
  RotatedSecretSchema,
  TenantQuery,
  TestResultSchema,
  UpdateWebhookBody,
  WebhookIdParams,
  WebhookListSchema,
  WebhookSchema,
} from '../schemas/webhook-schemas.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  replayWebhook,
  rotateWebhookSecret,
  testWebhook,
  updateWebhook,
  type WebhookDependencies,
} from '../use-cases/webhooks.ts';

const tags = ['Webhooks'];
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const notFound = { 404: 'No such endpoint in this tenant (WEBHOOK_NOT_FOUND)' };

const create = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  tags,
  summary: 'Add a webhook endpoint; the answer holds its signing secret, shown only this once',
  description:
    'Deliveries follow the Standard Webhooks convention: `webhook-id` (the event id), `webhook-timestamp`, `webhook-signature` (`v1,` base64 HMAC-SHA256 over `id.timestamp.body`). The URL must be https and resolve only to public addresses.',
  security: bearerSecurity,
  request: { query: TenantQuery, body: { required: true, ...json(CreateWebhookBody) } },
  responses: {
    201: { description: 'Created', ...json(CreatedWebhookSchema) },
    ...errorResponses([400, 409, 413], {
      400: 'Invalid body (VALIDATION_FAILED) or a refused URL (WEBHOOK_URL_REFUSED)',
      409: 'The tenant has the most endpoints it may have (WEBHOOK_LIMIT_REACHED)',
    }),
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  tags,
  summary: 'List the tenant’s webhook endpoints',
  security: bearerSecurity,
  request: { query: TenantQuery },
  responses: { 200: { description: 'Endpoints', ...json(WebhookListSchema) }, ...errorResponses([400]) },
});
const get = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}',
  tags,
  summary: 'Get a webhook endpoint (never its secret)',
  security: bearerSecurity,
  request: { params: WebhookIdParams, query: TenantQuery },
  responses: {
    200: { description: 'The endpoint', ...json(WebhookSchema) },
    ...errorResponses([400, 404], notFound),
  },
});
const patch = createRoute({
  method: 'patch',
  path: '/v1/webhooks/{id}',
  tags,
  summary: 'Change a webhook endpoint; enabling it again resumes delivery where it stopped',
  security: bearerSecurity,
  request: {
    params: WebhookIdParams,
    query: TenantQuery,
    body: { required: true, ...json(UpdateWebhookBody) },
  },
  responses: {
    200: { description: 'Updated', ...json(WebhookSchema) },
    ...errorResponses([400, 404, 413], notFound),
  },
});
const remove = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  tags,
  summary: 'Remove a webhook endpoint',
  security: bearerSecurity,
  request: { params: WebhookIdParams, query: TenantQuery },
  responses: { 204: { description: 'Removed' }, ...errorResponses([400, 404], notFound) },
});
const rotate = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/rotate-secret',
  tags,
  summary: 'New signing secret; the old one keeps signing beside it until previousSecretExpiresAt (24 h)',
  security: bearerSecurity,
  request: { params: WebhookIdParams, query: TenantQuery },
  responses: {
    200: { description: 'Rotated', ...json(RotatedSecretSchema) },
    ...errorResponses([400, 404], notFound),
  },
});
const test = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/test',
  tags,
  summary: 'Send a signed webhook:test event now and report the attempt',
  security: bearerSecurity,
  request: { params: WebhookIdParams, query: TenantQuery },
  responses: {
    200: { description: 'The attempt', ...json(TestResultSchema) },
    ...errorResponses([400, 404], notFound),
  },
});
const deliveries = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/deliveries',
  tags,
  summary: 'Deliveries with each attempt’s time, status, duration and the start of the answer',
  security: bearerSecurity,
  request: { params: WebhookIdParams, query: DeliveriesQuery },
  responses: {
    200: { description: 'A page of deliveries', ...json(DeliveryPageSchema) },
    ...errorResponses([400, 404], notFound),
  },
});
const replay = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/replay',
  tags,
  summary: 'Deliver again from the event log: dead letters (all, or eventIds), or every event after `after`',
  description:
    'Delivery restarts in seq order from the earliest event asked for, with the same webhook-ids; later events are sent again too (drop repeats by webhook-id). Reaches back as far as the event log keeps events.',
  security: bearerSecurity,
  request: { params: WebhookIdParams, query: TenantQuery, body: { required: true, ...json(ReplayBody) } },
  responses: {
    202: { description: 'Replay scheduled', ...json(ReplayResultSchema) },
    ...errorResponses([400, 404, 413], notFound),
  },
});

export function webhookRoutes(deps: WebhookDependencies): OpenAPIHono<ApiEnv> {
  return createRouter()
    .openapi(create, async (c) => {
      const created = await createWebhook(deps, c.get('principal'), {
        ...c.req.valid('json'),
        tenantId: c.req.valid('query').tenantId,
      });
      c.header('cache-control', 'no-store');
      return c.json(toJson(created), 201);
    })
    .openapi(list, async (c) => {
      const all = await listWebhooks(deps, c.get('principal'), c.req.valid('query').tenantId);
      return c.json({ webhooks: all.map(toJson) }, 200);
    })
    .openapi(get, async (c) => {
      const view = await getWebhook(
        deps,
        c.get('principal'),
        c.req.valid('param').id,
        c.req.valid('query').tenantId,
      );
      return c.json(toJson(view), 200);
    })
    .openapi(patch, async (c) => {
      const view = await updateWebhook(
        deps,
        c.get('principal'),
        c.req.valid('param').id,
        c.req.valid('json'),
        c.req.valid('query').tenantId,
      );
      return c.json(toJson(view), 200);
    })
    .openapi(remove, async (c) => {
      await deleteWebhook(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('query').tenantId);
      return c.body(null, 204);
    })
    .openapi(rotate, async (c) => {
      const rotated = await rotateWebhookSecret(
        deps,
        c.get('principal'),
        c.req.valid('param').id,
        c.req.valid('query').tenantId,
      );
      c.header('cache-control', 'no-store');
      return c.json(rotated, 200);
    })
    .openapi(test, async (c) => {
      const result = await testWebhook(
        deps,
        c.get('principal'),
        c.req.valid('param').id,
        c.req.valid('query').tenantId,
      );
      return c.json(result, 200);
    })
    .openapi(deliveries, async (c) => {
      const q = c.req.valid('query');
      const page = await listDeliveries(deps, c.get('principal'), c.req.valid('param').id, {
        ...q,
        limit: q.limit ?? 50,
      });
      return c.json(deliveriesJson(page), 200);
    })
    .openapi(replay, async (c) => {
      const result = await replayWebhook(
        deps,
        c.get('principal'),
        c.req.valid('param').id,
        c.req.valid('json'),
        c.req.valid('query').tenantId,
      );
      return c.json(result, 202);
    });
}

/** A page of deliveries as the API shows it: no endpoint id (it is in the path), no stored event. */
function deliveriesJson(page: Awaited<ReturnType<typeof listDeliveries>>) {
  return {
    deliveries: page.deliveries.map(({ endpointId: _e, event: _ev, attempts, ...d }) => ({
      ...d,
      attempts: [...attempts],
    })),
    ...(page.next && { next: page.next }),
  };
}

function toJson<
  T extends { endpointId: string; sessionIds?: readonly string[] | undefined; events: readonly string[] },
>(
  view: T,
): Omit<T, 'endpointId' | 'sessionIds' | 'events'> & { id: string; events: string[]; sessionIds?: string[] } {
  const { endpointId, sessionIds, events, ...rest } = view;
  return { id: endpointId, events: [...events], ...(sessionIds && { sessionIds: [...sessionIds] }), ...rest };
}
