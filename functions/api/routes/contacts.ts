import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses, SessionIdParams } from '../schemas/common-schemas.ts';
import { ContactsCheckQuery, ContactsCheckSchema } from '../schemas/message-action-schemas.ts';
import type { UseCaseDependencies } from '../use-cases/dependencies.ts';
import { checkContacts } from '../use-cases/message-actions.ts';

const check = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/contacts/check',
  tags: ['Messages'],
  summary: 'Which phone numbers are on WhatsApp, with their JID and LID',
  security: bearerSecurity,
  request: { params: SessionIdParams, query: ContactsCheckQuery },
  responses: {
    200: {
      description: 'One entry per distinct number, in the order given',
      content: { 'application/json': { schema: ContactsCheckSchema } },
    },
    ...errorResponses([400, 404, 409, 502, 504], {
      400: 'A number that is not a phone number (VALIDATION_FAILED), or more than 50 (TOO_MANY_NUMBERS)',
      409: 'The session is not connected (SESSION_NOT_CONNECTED)',
    }),
  },
});

export function contactRoutes(deps: UseCaseDependencies): OpenAPIHono<ApiEnv> {
  return createRouter().openapi(check, async (c) => {
    const contacts = await checkContacts(
      deps,
      c.get('principal'),
      c.req.valid('param').id,
      c.req.valid('query').numbers,
    );
    return c.json({ contacts }, 200);
  });
}
