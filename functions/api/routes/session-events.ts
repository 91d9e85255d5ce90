import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses, SessionIdParams } from '../schemas/common-schemas.ts';
import { DEFAULT_EVENT_PAGE, EventPageSchema, EventsQuery } from '../schemas/event-schemas.ts';
import type { UseCaseDependencies } from '../use-cases/dependencies.ts';
import { readSessionEvents } from '../use-cases/session-events.ts';

const read = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/events',
  tags: ['Events'],
  summary: 'Read a session’s event log, oldest first',
  description:
    'Replay after a WebSocket reconnect (after = the last seq seen, or `next` of a `subscribed` message with `more`), and the target of a truncated event’s href. A page holds at most `limit` events and at most 4 MB of them; follow `next` for the rest.',
  security: bearerSecurity,
  request: { params: SessionIdParams, query: EventsQuery },
  responses: {
    200: {
      description: 'A page of events',
      headers: { 'Cache-Control': { schema: { type: 'string', example: 'no-store' } } },
      content: { 'application/json': { schema: EventPageSchema } },
    },
    ...errorResponses([400, 404]),
  },
});

export function sessionEventRoutes(deps: UseCaseDependencies): OpenAPIHono<ApiEnv> {
  return createRouter().openapi(read, async (c) => {
    const query = c.req.valid('query');
    const page = await readSessionEvents(deps, c.get('principal'), c.req.valid('param').id, {
      after: query.after ?? 0,
      limit: query.limit ?? DEFAULT_EVENT_PAGE,
    });
    // Events carry message contents; no shared cache may keep them.
    c.header('cache-control', 'no-store');
    return c.json(
      {
        events: [...page.events],
        lastSeq: page.lastSeq,
        ...(page.next !== undefined && { next: page.next }),
      },
      200,
    );
  });
}
