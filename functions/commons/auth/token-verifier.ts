import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { TENANT_ID_PATTERN } from '../domain/session-record.ts';
import { ForbiddenError, UnauthenticatedError } from '../errors/app-errors.ts';
import type { AuthConfig } from './auth-config.ts';
import { type Principal, ROLES, type Role } from './principal.ts';

export interface TokenVerifier {
  /** The principal a bearer token names; UnauthenticatedError (401) or ForbiddenError (403) otherwise. */
  verify(token: string): Promise<Principal>;
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 5;
const JWKS_TIMEOUT_MS = 3000;

/**
 * Builds a verifier once per process (the JWKS is cached across requests).
 * Algorithms are pinned per mode, so `alg: none` and HS/RS confusion fail.
 */
export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const key: Uint8Array | JWTVerifyGetKey =
    config.mode === 'secret'
      ? new TextEncoder().encode(config.secret)
      : createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: JWKS_TIMEOUT_MS });
  const options = {
    algorithms: config.mode === 'secret' ? ['HS256'] : ASYMMETRIC,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ['exp'],
    ...(config.issuer !== undefined && { issuer: config.issuer }),
    ...(config.audience !== undefined && { audience: config.audience }),
  };
  return {
    async verify(token: string): Promise<Principal> {
      let payload: JWTPayload;
      try {
        // jose's overloads differ only in the key type; both branches share the options.
        payload =
          key instanceof Uint8Array
            ? (await jwtVerify(token, key, options)).payload
            : (await jwtVerify(token, key, options)).payload;
      } catch (cause) {
        throw new UnauthenticatedError(describe(cause), { cause });
      }
      const principal = principalOf(payload, config.tenantClaim, config.roleClaim);
      if (principal.role === 'MASTER' && principal.tenantId !== config.operatorTenant) {
        throw new ForbiddenError('a MASTER token is honoured only for the operator tenant');
      }
      return principal;
    },
  };
}

function principalOf(payload: JWTPayload, tenantClaim: string, roleClaim: string): Principal {
  const tenantId = payload[tenantClaim];
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new UnauthenticatedError(`token has no valid "${tenantClaim}" claim`);
  }
  const role = roleOf(payload[roleClaim]);
  if (!role) throw new ForbiddenError('this role may not use the API');
  return { tenantId, role, ...(typeof payload.sub === 'string' && { subject: payload.sub }) };
}

/** A role claim may be one string or a list (e.g. groups); the strongest known role wins. */
function roleOf(claim: unknown): Role | undefined {
  const values = Array.isArray(claim) ? claim : [claim];
  return ROLES.find((role) => values.includes(role));
}

/** A message naming the reason without echoing token content. */
function describe(cause: unknown): string {
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'token expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return 'token claims rejected (issuer, audience or time)';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'token signature invalid';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'token algorithm not allowed';
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'no key to verify the token';
    default:
      return 'token invalid';
  }
}
