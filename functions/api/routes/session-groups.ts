import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses, SessionIdParams } from '../schemas/common-schemas.ts';
import {
  CreateGroupBody,
  GroupListSchema,
  GroupParams,
  GroupParticipantsBody,
  GroupSchema,
  LeftGroupSchema,
  ParticipantResultsSchema,
} from '../schemas/group-schemas.ts';
import type { UseCaseDependencies } from '../use-cases/dependencies.ts';
import {
  changeGroupParticipants,
  createGroup,
  leaveGroup,
  listGroups,
  readGroup,
} from '../use-cases/groups.ts';

const NOT_CONNECTED = { 409: 'The session is not connected (SESSION_NOT_CONNECTED)' };
const REFUSALS = {
  ...NOT_CONNECTED,
  403: 'The token may not do this (FORBIDDEN), or the linked number is not in the group or not an admin where that is needed (GROUP_FORBIDDEN)',
  404: 'SESSION_NOT_FOUND, or WhatsApp knows no such group (GROUP_NOT_FOUND)',
  422: 'WhatsApp refused the request with another code (GROUP_REQUEST_REFUSED)',
};
const json = <T>(schema: T) => ({ 'application/json': { schema } });

const list = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/groups',
  tags: ['Groups'],
  summary: 'The groups the linked number is in, with their participants',
  security: bearerSecurity,
  request: { params: SessionIdParams },
  responses: {
    200: { description: 'Every group', content: json(GroupListSchema) },
    ...errorResponses([400, 404, 409, 422, 502, 504], REFUSALS),
  },
});

const read = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/groups/{groupJid}',
  tags: ['Groups'],
  summary: "One group's subject, addressing mode and participants (PN and LID where WhatsApp gives both)",
  security: bearerSecurity,
  request: { params: GroupParams },
  responses: {
    200: { description: 'The group', content: json(GroupSchema) },
    ...errorResponses([400, 404, 409, 422, 502, 504], REFUSALS),
  },
});

const create = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/groups',
  tags: ['Groups'],
  summary: 'Create a group with the linked number as its admin',
  security: bearerSecurity,
  request: { params: SessionIdParams, body: { required: true, content: json(CreateGroupBody) } },
  responses: {
    201: { description: 'The new group', content: json(GroupSchema) },
    ...errorResponses([400, 404, 409, 413, 422, 502, 504], REFUSALS),
  },
});

const participants = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/groups/{groupJid}/participants',
  tags: ['Groups'],
  summary: 'Add or remove participants (admins only); after a removal the next message uses a new sender key',
  security: bearerSecurity,
  request: { params: GroupParams, body: { required: true, content: json(GroupParticipantsBody) } },
  responses: {
    200: { description: "WhatsApp's outcome per participant", content: json(ParticipantResultsSchema) },
    ...errorResponses([400, 404, 409, 413, 422, 502, 504], REFUSALS),
  },
});

const leave = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/groups/{groupJid}/leave',
  tags: ['Groups'],
  summary: 'The linked number leaves the group',
  security: bearerSecurity,
  request: { params: GroupParams },
  responses: {
    200: { description: 'Left', content: json(LeftGroupSchema) },
    ...errorResponses([400, 404, 409, 422, 502, 504], REFUSALS),
  },
});

export function sessionGroupRoutes(deps: UseCaseDependencies): OpenAPIHono<ApiEnv> {
  return createRouter()
    .openapi(list, async (c) => {
      const groups = await listGroups(deps, c.get('principal'), c.req.valid('param').id);
      return c.json({ groups }, 200);
    })
    .openapi(read, async (c) => {
      const { id, groupJid } = c.req.valid('param');
      return c.json(await readGroup(deps, c.get('principal'), id, groupJid), 200);
    })
    .openapi(create, async (c) => {
      const group = await createGroup(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json'));
      return c.json(group, 201);
    })
    .openapi(participants, async (c) => {
      const { id, groupJid } = c.req.valid('param');
      const body = c.req.valid('json');
      const change =
        'add' in body
          ? { group: groupJid, action: 'add' as const, participants: body.add }
          : { group: groupJid, action: 'remove' as const, participants: body.remove };
      const results = await changeGroupParticipants(deps, c.get('principal'), id, change);
      return c.json({ participants: results }, 200);
    })
    .openapi(leave, async (c) => {
      const { id, groupJid } = c.req.valid('param');
      await leaveGroup(deps, c.get('principal'), id, groupJid);
      return c.json({ left: true as const }, 200);
    });
}
