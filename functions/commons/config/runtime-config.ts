import { z } from 'zod';
import { TABLES, type TableId, type TableNames } from '../storage/tables.ts';
import { ENV } from './env-names.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const nonEmpty = z.string().trim().min(1);
const optionalUrl = z.url().optional();

/** Parses `env` with `schema`, failing loudly with every missing or invalid variable named. */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new ConfigError(`invalid configuration: ${problems}`);
}

const tableShape = Object.fromEntries(Object.values(TABLES).map((t) => [t.envName, nonEmpty])) as Record<
  string,
  typeof nonEmpty
>;

export const storageEnvSchema = z.object({
  [ENV.region]: nonEmpty,
  [ENV.endpointUrl]: optionalUrl,
  [ENV.endpointDynamoDb]: optionalUrl,
  [ENV.endpointS3]: optionalUrl,
  [ENV.authBucket]: nonEmpty,
  ...tableShape,
});

export interface StorageConfig {
  readonly region: string;
  readonly dynamodbEndpoint: string | undefined;
  readonly s3Endpoint: string | undefined;
  readonly tables: TableNames;
  readonly authBucket: string;
}

/** Where the tables and the auth bucket are, read once by a composition root. */
export function loadStorageConfig(env: NodeJS.ProcessEnv): StorageConfig {
  const parsed = parseEnv(storageEnvSchema, env) as Record<string, string | undefined>;
  const tables = Object.fromEntries(
    Object.values(TABLES).map((t) => [t.id, parsed[t.envName] as string]),
  ) as Record<TableId, string>;
  return {
    region: parsed[ENV.region] as string,
    dynamodbEndpoint: parsed[ENV.endpointDynamoDb] ?? parsed[ENV.endpointUrl],
    s3Endpoint: parsed[ENV.endpointS3] ?? parsed[ENV.endpointUrl],
    tables,
    authBucket: parsed[ENV.authBucket] as string,
  };
}
