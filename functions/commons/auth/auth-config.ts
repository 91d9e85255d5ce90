import { z } from 'zod';
import { ENV } from '../config/env-names.ts';
import { parseEnv } from '../config/runtime-config.ts';
import { TENANT_ID_PATTERN } from '../domain/session-record.ts';

/**
 * How tenant tokens are verified. Exactly one mode:
 * - `secret`: HS256 with a shared secret (local runtime); issuer/audience checked when set.
 * - `jwks`: asymmetric keys from a JWKS URL (cloud); issuer and audience required.
 */
export type AuthConfig = VerificationConfig & {
  /**
   * The one tenant whose MASTER tokens are honoured. A MASTER claim from any
   * other tenant is refused: whoever can mint a token for a tenant (its own IdP
   * customisation, a compromised tenant admin) must not reach every tenant.
   * Unset: no MASTER token is honoured (fail closed).
   */
  readonly operatorTenant?: string | undefined;
};

type VerificationConfig =
  | {
      readonly mode: 'secret';
      readonly secret: string;
      readonly issuer?: string | undefined;
      readonly audience?: string | undefined;
      readonly tenantClaim: string;
      readonly roleClaim: string;
    }
  | {
      readonly mode: 'jwks';
      readonly jwksUrl: string;
      readonly issuer: string;
      readonly audience: string;
      readonly tenantClaim: string;
      readonly roleClaim: string;
    };

const optionalText = z.string().trim().min(1).optional();

const schema = z
  .object({
    [ENV.jwtSecret]: z.string().min(32, 'an HS256 secret needs at least 32 characters').optional(),
    [ENV.jwksUrl]: z.url().optional(),
    [ENV.jwtIssuer]: optionalText,
    [ENV.jwtAudience]: optionalText,
    [ENV.tenantClaim]: z.string().trim().min(1).default('tenant'),
    [ENV.roleClaim]: z.string().trim().min(1).default('role'),
    [ENV.operatorTenant]: z.string().regex(TENANT_ID_PATTERN, 'expected a tenant id').optional(),
  })
  .superRefine((env, ctx) => {
    const hasSecret = env[ENV.jwtSecret] !== undefined;
    const hasJwks = env[ENV.jwksUrl] !== undefined;
    if (hasSecret === hasJwks) {
      ctx.addIssue({ code: 'custom', message: `set exactly one of ${ENV.jwtSecret} or ${ENV.jwksUrl}` });
    }
    if (hasJwks && (!env[ENV.jwtIssuer] || !env[ENV.jwtAudience])) {
      ctx.addIssue({
        code: 'custom',
        message: `${ENV.jwksUrl} needs ${ENV.jwtIssuer} and ${ENV.jwtAudience}`,
      });
    }
  });

export function loadAuthConfig(env: NodeJS.ProcessEnv): AuthConfig {
  const parsed = parseEnv(schema, env);
  const claims = {
    tenantClaim: parsed[ENV.tenantClaim],
    roleClaim: parsed[ENV.roleClaim],
    operatorTenant: parsed[ENV.operatorTenant],
  };
  const jwksUrl = parsed[ENV.jwksUrl];
  if (jwksUrl !== undefined) {
    return {
      mode: 'jwks',
      jwksUrl,
      issuer: parsed[ENV.jwtIssuer] as string,
      audience: parsed[ENV.jwtAudience] as string,
      ...claims,
    };
  }
  return {
    mode: 'secret',
    secret: parsed[ENV.jwtSecret] as string,
    issuer: parsed[ENV.jwtIssuer],
    audience: parsed[ENV.jwtAudience],
    ...claims,
  };
}
