import { z } from '@hono/zod-openapi';
import { SESSION_ID_PATTERN } from '#commons/domain/ids.ts';
import { TENANT_ID_PATTERN } from '#commons/domain/session-record.ts';
import { ERROR_STATUS } from '../http/error-status.ts';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(
        Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]],
      ),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid parameters, query or body (VALIDATION_FAILED)',
  401: 'Missing or invalid token (UNAUTHENTICATED)',
  403: 'The token may not do this (FORBIDDEN)',
  404: 'Not found (SESSION_NOT_FOUND, also for other tenants’ sessions)',
  409: 'Conflict',
  413: 'Body over 64 KB (PAYLOAD_TOO_LARGE)',
  429: 'A tenant quota (QUOTA_EXCEEDED, details {quota, limit}) or rate (RATE_LIMITED, with Retry-After) was reached',
  502: 'The owning session host could not be reached (HOST_UNREACHABLE)',
  503: 'No live session host (NO_HOST_AVAILABLE), with Retry-After',
  504: 'The owning session host did not answer in time (HOST_TIMEOUT)',
};

/** Error responses for a route, all in the one error format. */
export function errorResponses(statuses: readonly number[], overrides: Record<number, string> = {}) {
  return Object.fromEntries(
    [401, 403, 429, ...statuses].map((status) => [
      status,
      {
        description: overrides[status] ?? DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/json': { schema: ErrorSchema } },
      },
    ]),
  );
}

export const SessionIdParams = z.object({
  id: z
    .string()
    .regex(SESSION_ID_PATTERN)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ses_abcdefghijklmnopqrst' }),
});

export const tenantQueryField = z
  .string()
  .regex(TENANT_ID_PATTERN)
  .optional()
  .openapi({
    param: { name: 'tenantId', in: 'query' },
    description: 'Tenant to act on; only a MASTER token may name another tenant than its own.',
  });

export const bearerSecurity = [{ bearerAuth: [] }];
