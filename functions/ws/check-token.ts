import { decodeJwt } from 'jose';
import type { TokenVerifier } from '#commons/auth/token-verifier.ts';
import { ForbiddenError, UnauthenticatedError } from '#commons/errors/app-errors.ts';
import type { TokenCheck } from './route-context.ts';

/**
 * `$connect` checks the `?token=` exactly as the REST API checks a bearer
 * token, and keeps its expiry: the WebSocket outlives the handshake, so every
 * later action and push is checked against it.
 */
export function tokenChecker(verifier: TokenVerifier): (token: string | undefined) => Promise<TokenCheck> {
  return async (token) => {
    if (!token) return { ok: false, status: 401, code: 'UNAUTHENTICATED' };
    try {
      const principal = await verifier.verify(token);
      return { ok: true, principal, ...expiryOf(token) };
    } catch (err) {
      if (err instanceof ForbiddenError) return { ok: false, status: 403, code: err.code };
      if (err instanceof UnauthenticatedError) return { ok: false, status: 401, code: err.code };
      throw err;
    }
  };
}

/**
 * The verifier has just checked this very token (signature and a required
 * `exp`), so reading `exp` from its payload is safe; doing it here keeps the
 * shared Principal, which the REST API also uses, free of connection concerns.
 */
function expiryOf(token: string): { expiresAt?: number } {
  const { exp } = decodeJwt(token);
  return typeof exp === 'number' ? { expiresAt: exp } : {};
}
