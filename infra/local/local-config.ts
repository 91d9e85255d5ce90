import { resolve } from 'node:path';
import { z } from 'zod';
import { ENV } from '#commons/config/env-names.ts';
import { parseEnv } from '#commons/config/runtime-config.ts';
import { TENANT_ID_PATTERN } from '#commons/domain/session-record.ts';

/** The local stack's operator tenant: `npm run token -- --role MASTER` signs for it when no --tenant is given. */
export const LOCAL_OPERATOR_TENANT = 'ops';

/** Settings of the local runtime only (`npm start`); the cloud never reads these. */
export const LOCAL_ENV = {
  apiPort: 'ZAPFLEET_API_PORT',
  wsPort: 'ZAPFLEET_WS_PORT',
  dynamodbPort: 'ZAPFLEET_DYNAMODB_PORT',
  s3Port: 'ZAPFLEET_S3_PORT',
  stateDir: 'ZAPFLEET_STATE_DIR',
  cacheDir: 'ZAPFLEET_CACHE_DIR',
  hosts: 'ZAPFLEET_HOSTS',
} as const;

const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  [LOCAL_ENV.apiPort]: port.default(3000),
  [LOCAL_ENV.wsPort]: port.default(3001),
  [LOCAL_ENV.dynamodbPort]: port.default(8000),
  [LOCAL_ENV.s3Port]: port.default(4569),
  [LOCAL_ENV.stateDir]: z.string().min(1).optional(),
  [LOCAL_ENV.cacheDir]: z.string().min(1).optional(),
  [LOCAL_ENV.hosts]: z.coerce.number().int().min(0).max(16).default(1),
  AWS_ENDPOINT_URL: z.url().optional(),
  [ENV.operatorTenant]: z.string().regex(TENANT_ID_PATTERN).default(LOCAL_OPERATOR_TENANT),
});

export interface LocalConfig {
  readonly apiPort: number;
  readonly wsPort: number;
  readonly dynamodbPort: number;
  readonly s3Port: number;
  /** Git-ignored folder for local secrets (JWT signing secret). */
  readonly stateDir: string;
  readonly cacheDir: string;
  readonly externalEndpoint: string | undefined;
  /** Session-host processes (`--hosts N` or ZAPFLEET_HOSTS). */
  readonly hosts: number;
  /** The only tenant whose MASTER tokens the local API and WebSocket honour. */
  readonly operatorTenant: string;
}

export function projectRoot(): string {
  return resolve(import.meta.dirname, '..', '..');
}

/** Flags of `npm start` and `npm run demo`, parsed with parseArgs by the scripts. */
export const LOCAL_STACK_FLAGS = { hosts: { type: 'string' } } as const;

/** `flags.hosts` (from `--hosts N`) wins over ZAPFLEET_HOSTS. */
export function loadLocalConfig(
  env: NodeJS.ProcessEnv,
  flags: { readonly hosts?: string } = {},
): LocalConfig {
  const parsed = parseEnv(
    schema,
    flags.hosts === undefined ? env : { ...env, [LOCAL_ENV.hosts]: flags.hosts },
  );
  const root = projectRoot();
  return {
    apiPort: parsed[LOCAL_ENV.apiPort],
    wsPort: parsed[LOCAL_ENV.wsPort],
    dynamodbPort: parsed[LOCAL_ENV.dynamodbPort],
    s3Port: parsed[LOCAL_ENV.s3Port],
    stateDir: parsed[LOCAL_ENV.stateDir] ?? resolve(root, '.local'),
    cacheDir:
      parsed[LOCAL_ENV.cacheDir] ?? resolve(root, 'node_modules', '.cache', 'zapfleet', 'dynamodb-local'),
    externalEndpoint: parsed.AWS_ENDPOINT_URL,
    hosts: parsed[LOCAL_ENV.hosts],
    operatorTenant: parsed[ENV.operatorTenant],
  };
}
