import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/api-env.ts';
import { decodeCursor, encodeCursor } from '../http/cursor.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses, SessionIdParams } from '../schemas/common-schemas.ts';
import {
  CreateSessionBody,
  CreateSessionQuery,
  ListSessionsQuery,
  SessionPageSchema,
  SessionSchema,
  toSessionView,
} from '../schemas/session-schemas.ts';
import type { UseCaseDependencies } from '../use-cases/dependencies.ts';
import { createSession, deleteSession, getSession, listSessions } from '../use-cases/session-crud.ts';

const tags = ['Sessions'];

const create = createRoute({
  method: 'post',
  path: '/v1/sessions',
  tags,
  summary: 'Create a session (STOPPED until started)',
  security: bearerSecurity,
  request: {
    query: CreateSessionQuery,
    body: { required: true, content: { 'application/json': { schema: CreateSessionBody } } },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: SessionSchema } } },
    ...errorResponses([400, 409, 413], { 409: 'The name is taken in this tenant (SESSION_NAME_TAKEN)' }),
  },
});

const list = createRoute({
  method: 'get',
  path: '/v1/sessions',
  tags,
  summary: 'List the tenant’s sessions, oldest first',
  security: bearerSecurity,
  request: { query: ListSessionsQuery },
  responses: {
    200: {
      description: 'A page of sessions',
      content: { 'application/json': { schema: SessionPageSchema } },
    },
    ...errorResponses([400]),
  },
});

const get = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}',
  tags,
  summary: 'Get a session',
  security: bearerSecurity,
  request: { params: SessionIdParams },
  responses: {
    200: { description: 'The session', content: { 'application/json': { schema: SessionSchema } } },
    ...errorResponses([400, 404]),
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/sessions/{id}',
  tags,
  summary: 'Stop a session, wipe its auth state and remove it',
  security: bearerSecurity,
  request: { params: SessionIdParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses([400, 404, 502, 504]) },
});

export function sessionRoutes(deps: UseCaseDependencies): OpenAPIHono<ApiEnv> {
  return createRouter()
    .openapi(create, async (c) => {
      const record = await createSession(deps, c.get('principal'), {
        ...c.req.valid('json'),
        tenantId: c.req.valid('query').tenantId,
      });
      return c.json(toSessionView(record, deps.clock()), 201);
    })
    .openapi(list, async (c) => {
      const query = c.req.valid('query');
      const page = await listSessions(deps, c.get('principal'), {
        tenantId: query.tenantId,
        limit: query.limit,
        status: query.status,
        cursor: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      });
      const now = deps.clock();
      return c.json(
        {
          sessions: page.items.map((r) => toSessionView(r, now)),
          ...(page.next && { nextCursor: encodeCursor(page.next) }),
        },
        200,
      );
    })
    .openapi(get, async (c) => {
      const record = await getSession(deps, c.get('principal'), c.req.valid('param').id);
      return c.json(toSessionView(record, deps.clock()), 200);
    })
    .openapi(remove, async (c) => {
      await deleteSession(deps, c.get('principal'), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
