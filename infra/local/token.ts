/**
 * `npm run token -- --tenant T --role ADMIN [--ttl 1h] [--subject S]`: a token
 * the local API accepts (`--role MASTER` without --tenant signs for the local
 * operator tenant, the only one whose MASTER tokens are honoured). A short
 * human line goes to stderr; the token alone is the last line of stdout, so
 * `TOKEN=$(npm run -s token -- ...)` works.
 */
import { realpathSync } from 'node:fs';
import { SignJWT } from 'jose';
import { loadAuthConfig } from '#commons/auth/auth-config.ts';
import { TENANT_ID_PATTERN } from '#commons/domain/session-record.ts';
import { cliArgs } from './cli-args.ts';
import { loadLocalConfig } from './local-config.ts';
import { ensureLocalSecrets } from './local-secrets.ts';

const TTL = /^([1-9][0-9]*)([smhd])$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

const USAGE =
  'npm run token -- --tenant T --role ADMIN|MASTER [--ttl 1h] [--subject S] (MASTER: --tenant defaults to the operator tenant)';

function fail(message: string): never {
  process.stderr.write(`token: ${message}\nusage: ${USAGE}\n`);
  process.exit(2);
}

export interface LocalTokenRequest {
  readonly tenant: string;
  readonly role: string;
  readonly ttlSeconds: number;
  readonly subject?: string | undefined;
}

/** Signs a token the local API started with the same state folder accepts (also used by `npm run demo`). */
export async function signLocalToken(
  stateDir: string,
  request: LocalTokenRequest,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  // The same parse the local API does, so claim names, issuer and audience always match it.
  const auth = loadAuthConfig({ ...env, ...ensureLocalSecrets(stateDir) });
  if (auth.mode !== 'secret') throw new Error('local tokens need the HS256 secret, not a JWKS URL');
  const jwt = new SignJWT({ [auth.tenantClaim]: request.tenant, [auth.roleClaim]: request.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(auth.issuer ?? '')
    .setAudience(auth.audience ?? '')
    .setIssuedAt()
    .setExpirationTime(`${request.ttlSeconds}s`);
  if (request.subject) jwt.setSubject(request.subject);
  return jwt.sign(new TextEncoder().encode(auth.secret));
}

async function main(): Promise<void> {
  const values = cliArgs('token', USAGE, {
    tenant: { type: 'string' },
    role: { type: 'string', default: 'ADMIN' },
    ttl: { type: 'string', default: '1h' },
    subject: { type: 'string' },
  });
  const { stateDir, operatorTenant } = loadLocalConfig(process.env);
  // MASTER is honoured only for the operator tenant, so that is the natural default for it.
  const tenant = values.tenant ?? (values.role === 'MASTER' ? operatorTenant : fail('--tenant is required'));
  if (!TENANT_ID_PATTERN.test(tenant)) fail('--tenant must be 1–64 of A-Z a-z 0-9 _ -');
  const ttl = TTL.exec(values.ttl) ?? fail('--ttl must look like 30s, 15m, 1h or 7d');
  const seconds = Number(ttl[1]) * (UNIT_SECONDS[ttl[2] ?? 's'] ?? 1);
  // Any role is signed on purpose: a token for an unknown role shows the API answering 403.
  const role = values.role;
  const token = await signLocalToken(stateDir, {
    tenant,
    role,
    ttlSeconds: seconds,
    subject: values.subject,
  });
  process.stderr.write(`token for tenant ${tenant}, role ${role}, valid ${values.ttl}:\n`);
  if (role === 'MASTER' && tenant !== operatorTenant) {
    // Signed anyway (it shows the API's 403), but nobody should be surprised by it.
    process.stderr.write(
      `note: MASTER is honoured only for the operator tenant "${operatorTenant}"; the API answers 403 FORBIDDEN to this token\n`,
    );
  }
  process.stdout.write(`${token}\n`);
}

// Run only as a script: demo.ts imports signLocalToken from here.
if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) {
  main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
}
