import { z } from 'zod';
import { ENV } from '../config/env-names.ts';
import { parseEnv } from '../config/runtime-config.ts';
import type { DestinationMode } from './address-policy.ts';
import { DEFAULT_RETRY_DELAYS_MS } from './retry-schedule.ts';
import { DEFAULT_DISABLE_AFTER_MS } from './webhook-endpoint.ts';

/** Webhook settings shared by the dispatcher and the API (which checks URLs and rotates secrets). */
export interface WebhookConfig {
  readonly destinations: DestinationMode;
  readonly retryDelaysMs: readonly number[];
  /** Request timeout of one delivery attempt. */
  readonly timeoutMs: number;
  /** Cursor lease: above the request timeout, so a live dispatcher never loses it mid-request. */
  readonly leaseMs: number;
  readonly sweepIntervalMs: number;
  readonly rotationOverlapSeconds: number;
  readonly disableAfterMs: number;
  /** Delivery records and dead letters are kept this long. */
  readonly deliveryRetentionSeconds: number;
  readonly maxEndpointsPerTenant: number;
  readonly maxResponseBytes: number;
}

export const WEBHOOK_LIMITS = {
  maxEndpointsPerTenant: 10,
  maxSessionIdsPerEndpoint: 100,
  maxEventFilters: 20,
  maxUrlLength: 2048,
  maxDescriptionLength: 200,
  maxReplayEventIds: 100,
  /** Previous secrets still signing beside the current one; a rotation past it ends the oldest overlap early. */
  maxPreviousSecrets: 2,
} as const;

const schema = z.object({
  [ENV.webhookDestinations]: z.enum(['strict', 'loopback-http']).default('strict'),
  [ENV.webhookRetryDelaysMs]: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated milliseconds')
    .optional(),
  [ENV.webhookTimeoutMs]: z.coerce.number().int().min(100).max(30_000).default(10_000),
  [ENV.webhookLeaseMs]: z.coerce.number().int().min(500).optional(),
  [ENV.webhookSweepIntervalMs]: z.coerce.number().int().min(50).default(10_000),
  [ENV.webhookRotationOverlapSeconds]: z.coerce.number().int().min(0).default(86_400),
  [ENV.webhookDisableAfterMs]: z.coerce.number().int().min(100).default(DEFAULT_DISABLE_AFTER_MS),
});

export function loadWebhookConfig(env: NodeJS.ProcessEnv): WebhookConfig {
  const parsed = parseEnv(schema, env);
  const timeoutMs = parsed[ENV.webhookTimeoutMs];
  const delays = parsed[ENV.webhookRetryDelaysMs];
  return {
    destinations: parsed[ENV.webhookDestinations],
    retryDelaysMs: delays ? delays.split(',').map(Number) : DEFAULT_RETRY_DELAYS_MS,
    timeoutMs,
    leaseMs: Math.max(parsed[ENV.webhookLeaseMs] ?? 0, timeoutMs + 5_000),
    sweepIntervalMs: parsed[ENV.webhookSweepIntervalMs],
    rotationOverlapSeconds: parsed[ENV.webhookRotationOverlapSeconds],
    disableAfterMs: parsed[ENV.webhookDisableAfterMs],
    deliveryRetentionSeconds: 14 * 86_400,
    maxEndpointsPerTenant: WEBHOOK_LIMITS.maxEndpointsPerTenant,
    maxResponseBytes: 1024,
  };
}
