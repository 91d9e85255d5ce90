import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './api-env.ts';

const SAFE_ID = /^[A-Za-z0-9._=:-]{1,128}$/;

interface LambdaBindings {
  requestContext?: { requestId?: unknown };
}

/** API Gateway's request id when behind it, else a caller's safe `x-request-id`, else a fresh one. */
export function requestId(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const fromGateway = (c.env as LambdaBindings | undefined)?.requestContext?.requestId;
    const fromHeader = c.req.header('x-request-id');
    const id =
      typeof fromGateway === 'string' && SAFE_ID.test(fromGateway)
        ? fromGateway
        : fromHeader && SAFE_ID.test(fromHeader)
          ? fromHeader
          : crypto.randomUUID();
    c.set('requestId', id);
    c.header('x-request-id', id);
    await next();
  };
}
