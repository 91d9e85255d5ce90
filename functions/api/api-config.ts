import { z } from 'zod';
import { ENV } from '#commons/config/env-names.ts';
import { internalTokenSchema } from '#commons/config/internal-token.ts';
import { parseEnv } from '#commons/config/runtime-config.ts';
import type { SendQueueLimits } from '#commons/domain/send-pacing.ts';
import { DEFAULT_TENANT_RATE, type Rate } from '#commons/limits/rate.ts';
import type { TenantQuotas } from '#commons/limits/tenant-limits.ts';
import { DEFAULT_SEND_QUEUE_LIMITS } from './use-cases/queue-message.ts';
import type { PairingLimits } from './use-cases/tenant-limits.ts';

/**
 * Where the internal host credential comes from: the value itself locally, the
 * Secrets Manager secret in AWS (so it never sits in the Lambda environment).
 */
export type InternalTokenSource =
  | { readonly kind: 'value'; readonly token: string }
  | { readonly kind: 'secret'; readonly secretArn: string };

/** Settings of the HTTP API beyond storage and auth, parsed once by the composition root. */
export interface ApiConfig {
  readonly internalToken: InternalTokenSource;
  readonly hostRequestTimeoutMs: number;
  readonly logLevel: string;
  readonly eventLogTtlSeconds: number;
  readonly awsOperationLogDir: string | undefined;
  readonly limits: {
    readonly quotas: TenantQuotas;
    readonly requestRate: Rate;
    readonly pairing: PairingLimits;
    readonly sendQueue: SendQueueLimits;
  };
}

/** Defaults of every API limit (README, "Limits"); each is a setting. */
export const LIMIT_DEFAULTS = {
  maxSessionsPerTenant: 100,
  maxRunningSessionsPerTenant: 50,
  tenantRequestRate: DEFAULT_TENANT_RATE.perSecond,
  tenantRequestBurst: DEFAULT_TENANT_RATE.burst,
  // WhatsApp throttles pairing attempts itself; a code is valid for minutes, so a few per window is plenty.
  pairingCodesPerSession: 5,
  pairingCodesPerTenant: 30,
  pairingWindowSeconds: 600,
} as const;

const count = (fallback: number) => z.coerce.number().int().min(0).max(100_000).default(fallback);

const schema = z
  .object({
    [ENV.internalToken]: internalTokenSchema.optional(),
    [ENV.internalTokenSecretArn]: z
      .string()
      .regex(/^arn:aws[a-z-]*:secretsmanager:[^:]+:\d{12}:secret:.+$/, 'must be a Secrets Manager secret ARN')
      .optional(),
    // Well under API Gateway's 30 s integration timeout, so a dead host never holds the Lambda.
    [ENV.hostRequestTimeoutMs]: z.coerce.number().int().min(100).max(25_000).default(5_000),
    // The same setting the session hosts append with; the API only reads the log.
    [ENV.eventLogTtlSeconds]: z.coerce.number().int().min(60).default(86_400),
    [ENV.logLevel]: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    [ENV.awsOperationLog]: z.string().min(1).optional(),
    [ENV.maxSessionsPerTenant]: count(LIMIT_DEFAULTS.maxSessionsPerTenant),
    // Held as a set of session ids in one item (400 KB): see MAX_RUNNING_QUOTA.
    [ENV.maxRunningSessionsPerTenant]: count(LIMIT_DEFAULTS.maxRunningSessionsPerTenant).pipe(
      z.number().max(10_000),
    ),
    [ENV.tenantRequestRate]: z.coerce
      .number()
      .positive()
      .max(100_000)
      .default(LIMIT_DEFAULTS.tenantRequestRate),
    [ENV.tenantRequestBurst]: z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(LIMIT_DEFAULTS.tenantRequestBurst),
    [ENV.pairingCodesPerSession]: count(LIMIT_DEFAULTS.pairingCodesPerSession),
    [ENV.pairingCodesPerTenant]: count(LIMIT_DEFAULTS.pairingCodesPerTenant),
    [ENV.pairingWindowSeconds]: z.coerce
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(LIMIT_DEFAULTS.pairingWindowSeconds),
    // The same settings the hosts pace with: the API counts the queue, the hosts drain it.
    [ENV.sendQueueLimit]: z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(DEFAULT_SEND_QUEUE_LIMITS.queueLimit),
    [ENV.sendRatePerSecond]: z.coerce
      .number()
      .positive()
      .max(100)
      .default(DEFAULT_SEND_QUEUE_LIMITS.ratePerSecond),
  })
  .superRefine((env, ctx) => {
    const given = [env[ENV.internalToken], env[ENV.internalTokenSecretArn]].filter((v) => v !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [ENV.internalToken],
        message: `set exactly one of ${ENV.internalToken} and ${ENV.internalTokenSecretArn}`,
      });
    }
  });

export function loadApiConfig(env: NodeJS.ProcessEnv): ApiConfig {
  const parsed = parseEnv(schema, env);
  const token = parsed[ENV.internalToken];
  const secretArn = parsed[ENV.internalTokenSecretArn];
  return {
    internalToken:
      token !== undefined ? { kind: 'value', token } : { kind: 'secret', secretArn: secretArn as string },
    hostRequestTimeoutMs: parsed[ENV.hostRequestTimeoutMs],
    logLevel: parsed[ENV.logLevel],
    eventLogTtlSeconds: parsed[ENV.eventLogTtlSeconds],
    awsOperationLogDir: parsed[ENV.awsOperationLog],
    limits: {
      quotas: {
        maxSessions: parsed[ENV.maxSessionsPerTenant],
        maxRunningSessions: parsed[ENV.maxRunningSessionsPerTenant],
      },
      requestRate: { perSecond: parsed[ENV.tenantRequestRate], burst: parsed[ENV.tenantRequestBurst] },
      pairing: {
        perSession: parsed[ENV.pairingCodesPerSession],
        perTenant: parsed[ENV.pairingCodesPerTenant],
        windowSeconds: parsed[ENV.pairingWindowSeconds],
      },
      sendQueue: { queueLimit: parsed[ENV.sendQueueLimit], ratePerSecond: parsed[ENV.sendRatePerSecond] },
    },
  };
}
