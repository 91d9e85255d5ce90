import { z } from 'zod';
import { ENV } from '#commons/config/env-names.ts';
import { parseEnv } from '#commons/config/runtime-config.ts';

/** Settings of the HTTP API beyond storage and auth, parsed once by the composition root. */
export interface ApiConfig {
  readonly internalToken: string;
  readonly hostRequestTimeoutMs: number;
  readonly logLevel: string;
  readonly eventLogTtlSeconds: number;
}

const schema = z.object({
  [ENV.internalToken]: z.string().min(32, 'the internal host credential needs at least 32 characters'),
  // Well under API Gateway's 30 s integration timeout, so a dead host never holds the Lambda.
  [ENV.hostRequestTimeoutMs]: z.coerce.number().int().min(100).max(25_000).default(5_000),
  // The same setting the session hosts append with; the API only reads the log.
  [ENV.eventLogTtlSeconds]: z.coerce.number().int().min(60).default(86_400),
  [ENV.logLevel]: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export function loadApiConfig(env: NodeJS.ProcessEnv): ApiConfig {
  const parsed = parseEnv(schema, env);
  return {
    internalToken: parsed[ENV.internalToken],
    hostRequestTimeoutMs: parsed[ENV.hostRequestTimeoutMs],
    logLevel: parsed[ENV.logLevel],
    eventLogTtlSeconds: parsed[ENV.eventLogTtlSeconds],
  };
}
