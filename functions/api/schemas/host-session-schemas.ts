import { z } from '@hono/zod-openapi';
import { SESSION_ID_PATTERN } from '#commons/domain/ids.ts';
import { SESSION_STATUSES } from '#commons/domain/session-status.ts';
import { UNASSIGNED_HOST } from '#commons/hosts/host-record.ts';

export const HOST_SESSIONS_MAX_LIMIT = 100;

export const HostSessionsParams = z.object({
  hostId: z
    .string()
    .regex(/^(~unassigned|[A-Za-z0-9._-]{1,64})$/)
    .openapi({
      param: { name: 'hostId', in: 'path' },
      description: `A host id, or \`${UNASSIGNED_HOST}\` for the sessions waiting for a live host.`,
      example: UNASSIGNED_HOST,
    }),
});

export const HostSessionsQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(HOST_SESSIONS_MAX_LIMIT)
    .default(50)
    .openapi({ param: { name: 'limit', in: 'query' }, example: 50 }),
  after: z
    .string()
    .regex(SESSION_ID_PATTERN)
    .optional()
    .openapi({ param: { name: 'after', in: 'query' }, description: 'The `next` of the previous page.' }),
});

export const HostSessionsSchema = z
  .object({
    sessions: z.array(
      z.object({
        sessionId: z.string(),
        tenantId: z.string(),
        name: z.string().optional(),
        status: z.enum(SESSION_STATUSES),
        desired: z.string(),
      }),
    ),
    next: z
      .string()
      .optional()
      .openapi({ description: 'Pass as `after` for the next page; absent on the last.' }),
  })
  .openapi('HostSessions');
