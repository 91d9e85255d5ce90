import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ENV } from '#commons/config/env-names.ts';
import { INTERNAL_TOKEN_MIN_LENGTH, internalTokenSchema } from '#commons/config/internal-token.ts';

/** Issuer and audience of local tokens: the local API checks both, as the cloud one does. */
export const LOCAL_JWT_ISSUER = 'zapfleet-local';
export const LOCAL_JWT_AUDIENCE = 'zapfleet-api';

const secretsSchema = z.object({
  jwtSecret: z.string().min(32),
  internalToken: internalTokenSchema,
});

export type LocalSecrets = z.infer<typeof secretsSchema>;

export function secretsPath(stateDir: string): string {
  return join(stateDir, 'secrets.json');
}

/**
 * Reads `{stateDir}/secrets.json`, creating it (mode 0600) with fresh random
 * values on first use. The folder is git-ignored.
 */
export function loadOrCreateLocalSecrets(stateDir: string): LocalSecrets {
  const file = secretsPath(stateDir);
  if (existsSync(file)) {
    const parsed = secretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new Error(`${file} is not a valid secrets file; delete it to generate a new one`);
    return parsed.data;
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const secrets: LocalSecrets = {
    jwtSecret: randomBytes(32).toString('base64url'),
    // base64url: 4 characters per 3 bytes, so this is at least the minimum length.
    internalToken: randomBytes(Math.ceil((INTERNAL_TOKEN_MIN_LENGTH * 3) / 4)).toString('base64url'),
  };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secrets;
}

/** The environment entries the local runtimes need from the secrets file. */
export function ensureLocalSecrets(stateDir: string): Record<string, string> {
  const secrets = loadOrCreateLocalSecrets(stateDir);
  return {
    [ENV.jwtSecret]: secrets.jwtSecret,
    [ENV.internalToken]: secrets.internalToken,
    [ENV.jwtIssuer]: LOCAL_JWT_ISSUER,
    [ENV.jwtAudience]: LOCAL_JWT_AUDIENCE,
  };
}
