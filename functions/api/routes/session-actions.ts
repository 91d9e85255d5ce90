import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Principal } from '#commons/auth/principal.ts';
import type { SessionRecord } from '#commons/domain/session-record.ts';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses, SessionIdParams } from '../schemas/common-schemas.ts';
import { SessionSchema, toSessionView } from '../schemas/session-schemas.ts';
import type { UseCaseDependencies } from '../use-cases/dependencies.ts';
import { logoutSession, restartSession, startSession, stopSession } from '../use-cases/session-lifecycle.ts';

type Action = (deps: UseCaseDependencies, principal: Principal, sessionId: string) => Promise<SessionRecord>;

const ACTIONS: readonly { name: string; summary: string; run: Action; placing: boolean }[] = [
  {
    name: 'start',
    summary: 'Desired RUNNING: assign to a live host with room (idempotent)',
    run: startSession,
    placing: true,
  },
  { name: 'stop', summary: 'Desired STOPPED (auth state kept)', run: stopSession, placing: false },
  {
    name: 'restart',
    summary: 'Reconnect the session, placing it anew if its host is gone',
    run: restartSession,
    placing: true,
  },
  {
    name: 'logout',
    summary: 'Unlink the device and wipe the auth state',
    run: logoutSession,
    placing: false,
  },
];

function actionRoute(name: string, summary: string, placing: boolean) {
  return createRoute({
    method: 'post',
    path: `/v1/sessions/{id}/${name}`,
    tags: ['Session lifecycle'],
    summary,
    security: bearerSecurity,
    request: { params: SessionIdParams },
    responses: {
      202: {
        description: 'Accepted; the host reconciles',
        content: { 'application/json': { schema: SessionSchema } },
      },
      ...errorResponses(placing ? [400, 404, 503] : [400, 404]),
    },
  });
}

export function sessionActionRoutes(deps: UseCaseDependencies): OpenAPIHono<ApiEnv> {
  const router = createRouter();
  for (const action of ACTIONS) {
    router.openapi(actionRoute(action.name, action.summary, action.placing), async (c) => {
      const record = await action.run(deps, c.get('principal'), c.req.valid('param').id);
      return c.json(toSessionView(record, deps.clock()), 202);
    });
  }
  return router;
}
