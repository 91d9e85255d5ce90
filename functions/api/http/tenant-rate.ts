import type { MiddlewareHandler } from 'hono';
import { RateLimitedError } from '#commons/errors/app-errors.ts';
import type { Logger } from '#commons/logging/logger.ts';
import { LIMIT_REFUSED_MESSAGE, LIMITS } from '#commons/observability/limit-metrics.ts';
import type { LimitDependencies } from '../use-cases/tenant-limits.ts';
import type { ApiEnv } from './api-env.ts';

/** The REST API's bucket in the tenants table (the WebSocket actions have their own). */
export const REST_RATE_BUCKET = 'rest';

/**
 * One request from the caller's tenant bucket, after authentication; past
 * the rate, 429 RATE_LIMITED with Retry-After. Keyed by the caller's tenant,
 * so one tenant's burst never spends another's allowance.
 */
export function tenantRate(limits: LimitDependencies, log: Logger): MiddlewareHandler<ApiEnv> {
  // Hono runs a middleware once per matching pattern (`/v1/sessions/*` also matches `/v1/sessions`): one token per request.
  const counted = new WeakSet<Request>();
  return async (c, next) => {
    if (counted.has(c.req.raw)) return next();
    counted.add(c.req.raw);
    const { tenantId } = c.get('principal');
    const decision = await limits.rates.take(tenantId, REST_RATE_BUCKET, limits.requestRate);
    if (!decision.allowed) {
      log.warn(
        { limit: LIMITS.tenantRequestRate, tenantId, retryAfterSeconds: decision.retryAfterSeconds },
        LIMIT_REFUSED_MESSAGE,
      );
      throw new RateLimitedError(LIMITS.tenantRequestRate, decision.retryAfterSeconds);
    }
    await next();
  };
}
