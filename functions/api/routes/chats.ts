import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses } from '../schemas/common-schemas.ts';
import { AcceptedSchema, ChatParams, PresenceBody, ReadBody } from '../schemas/message-action-schemas.ts';
import type { UseCaseDependencies } from '../use-cases/dependencies.ts';
import { markChatRead, sendChatPresence } from '../use-cases/message-actions.ts';

const notConnected = { 409: 'The session is not connected (SESSION_NOT_CONNECTED)' };

const read = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/chats/{chat}/read',
  tags: ['Messages'],
  summary: 'Mark messages of a chat read (read receipts to the sender)',
  security: bearerSecurity,
  request: {
    params: ChatParams,
    body: { required: true, content: { 'application/json': { schema: ReadBody } } },
  },
  responses: {
    200: { description: 'Sent', content: { 'application/json': { schema: AcceptedSchema } } },
    ...errorResponses([400, 404, 409, 413, 502, 504], notConnected),
  },
});

const presence = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/chats/{chat}/presence',
  tags: ['Messages'],
  summary: 'Show typing, recording or paused in a chat (or the account available/unavailable)',
  security: bearerSecurity,
  request: {
    params: ChatParams,
    body: { required: true, content: { 'application/json': { schema: PresenceBody } } },
  },
  responses: {
    200: { description: 'Sent', content: { 'application/json': { schema: AcceptedSchema } } },
    ...errorResponses([400, 404, 409, 413, 502, 504], notConnected),
  },
});

/** Chat-level actions that are not messages: sent at once through the owning host, never queued. */
export function chatRoutes(deps: UseCaseDependencies): OpenAPIHono<ApiEnv> {
  return createRouter()
    .openapi(read, async (c) => {
      const { id, chat } = c.req.valid('param');
      const body = c.req.valid('json');
      await markChatRead(deps, c.get('principal'), id, {
        chat,
        ...(body.messageIds && { messageIds: body.messageIds }),
        ...(body.participant && { participant: body.participant }),
      });
      return c.json({ accepted: true as const }, 200);
    })
    .openapi(presence, async (c) => {
      const { id, chat } = c.req.valid('param');
      await sendChatPresence(deps, c.get('principal'), id, chat, c.req.valid('json').presence);
      return c.json({ accepted: true as const }, 200);
    });
}
