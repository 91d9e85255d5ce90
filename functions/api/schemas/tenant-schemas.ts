import { z } from '@hono/zod-openapi';
import { TENANT_ID_PATTERN } from '#commons/domain/session-record.ts';

/** Upper bound of an override: a typo cannot lift a quota into a number DynamoDB items could not hold. */
const MAX_QUOTA = 100_000;

export const TenantParams = z.object({
  tenantId: z
    .string()
    .regex(TENANT_ID_PATTERN)
    .openapi({ param: { name: 'tenantId', in: 'path' }, example: 'acme' }),
});

const quota = z.number().int().min(0).max(MAX_QUOTA);
/** Running sessions are held as a set of ids in one item (400 KB at most): 10,000 ids of ~24 bytes fit with room. */
export const MAX_RUNNING_QUOTA = 10_000;
const runningQuota = z.number().int().min(0).max(MAX_RUNNING_QUOTA);

export const TenantQuotasSchema = z
  .object({ maxSessions: quota, maxRunningSessions: runningQuota })
  .openapi('TenantQuotas');

export const TenantLimitsBody = z
  .strictObject({
    maxSessions: quota.nullable().optional(),
    maxRunningSessions: runningQuota.nullable().optional(),
  })
  .openapi('TenantLimitsRequest', {
    description: 'Per-tenant overrides; a quota left out or `null` follows the default.',
  });

export const TenantLimitsSchema = z
  .object({
    tenantId: z.string(),
    defaults: TenantQuotasSchema,
    overrides: TenantQuotasSchema.partial(),
    effective: TenantQuotasSchema,
  })
  .openapi('TenantLimits');
