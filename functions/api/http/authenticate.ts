import type { MiddlewareHandler } from 'hono';
import type { TokenVerifier } from '#commons/auth/token-verifier.ts';
import { UnauthenticatedError } from '#commons/errors/app-errors.ts';
import type { ApiEnv } from './api-env.ts';

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i;

/** Puts the verified principal on the context; the token itself goes nowhere else. */
export function authenticate(verifier: TokenVerifier): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const token = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) throw new UnauthenticatedError('missing or malformed bearer token');
    c.set('principal', await verifier.verify(token));
    await next();
  };
}
