import type { TokenVerifier } from '#commons/auth/token-verifier.ts';
import { ForbiddenError, UnauthenticatedError } from '#commons/errors/app-errors.ts';
import type { TokenCheck } from './routes.ts';

/** `$connect` checks the `?token=` exactly as the REST API checks a bearer token. */
export function tokenChecker(verifier: TokenVerifier): (token: string | undefined) => Promise<TokenCheck> {
  return async (token) => {
    if (!token) return { ok: false, status: 401, code: 'UNAUTHENTICATED' };
    try {
      return { ok: true, principal: await verifier.verify(token) };
    } catch (err) {
      if (err instanceof ForbiddenError) return { ok: false, status: 403, code: err.code };
      if (err instanceof UnauthenticatedError) return { ok: false, status: 401, code: err.code };
      throw err;
    }
  };
}
