import { z } from 'zod';
import { ENV } from '#commons/config/env-names.ts';
import { parseEnv } from '#commons/config/runtime-config.ts';
import type { DestinationMode } from '#commons/webhooks/address-policy.ts';

/** The API's media settings, parsed once by the composition root. */
export interface MediaConfig {
  readonly bucket: string;
  /** Lifetime of presigned PUT and GET links. */
  readonly urlTtlSeconds: number;
  /** Which media URLs a send may name (see ENV.mediaUrlDestinations). */
  readonly urlDestinations: DestinationMode;
}

export const DEFAULT_MEDIA_URL_TTL_SECONDS = 300;

const schema = z.object({
  [ENV.mediaBucket]: z.string().trim().min(1),
  // SigV4 presigned links live at most 7 days.
  [ENV.mediaUrlTtlSeconds]: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .default(DEFAULT_MEDIA_URL_TTL_SECONDS),
  [ENV.mediaUrlDestinations]: z.enum(['strict', 'loopback-http']).default('strict'),
});

export function loadMediaConfig(env: NodeJS.ProcessEnv): MediaConfig {
  const parsed = parseEnv(schema, env);
  return {
    bucket: parsed[ENV.mediaBucket],
    urlTtlSeconds: parsed[ENV.mediaUrlTtlSeconds],
    urlDestinations: parsed[ENV.mediaUrlDestinations],
  };
}
