import { hostname } from 'node:os';
import { z } from 'zod';
import { ENV } from '#commons/config/env-names.ts';
import { internalTokenSchema } from '#commons/config/internal-token.ts';
import { loadStorageConfig, parseEnv, type StorageConfig } from '#commons/config/runtime-config.ts';

const int = (min: number) => z.coerce.number().int().min(min);

const schema = z.object({
  [ENV.hostId]: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
  [ENV.hostPort]: int(0).max(65535).default(8080),
  [ENV.hostEndpoint]: z.url().optional(),
  [ENV.hostCapacity]: int(1).default(500),
  [ENV.internalToken]: internalTokenSchema,
  [ENV.wsManagementEndpoint]: z.url(),
  [ENV.eventLogTtlSeconds]: int(60).default(86_400),
  [ENV.waWebSocketUrl]: z.url().optional(),
  [ENV.waVersion]: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/)
    .optional(),
  [ENV.waCertPublicKey]: z
    .string()
    .regex(/^[0-9a-f]{64}$/i)
    .optional(),
  [ENV.reconcileIntervalMs]: int(100).default(5_000),
  [ENV.heartbeatIntervalMs]: int(100).default(5_000),
  [ENV.leaseMs]: int(500).default(20_000),
  [ENV.handoffBudgetMs]: int(0).default(100_000),
  [ENV.qrTimeoutMs]: int(1_000).optional(),
  [ENV.logLevel]: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  [ENV.awsOperationLog]: z.string().min(1).optional(),
  [ENV.mediaBucket]: z.string().min(3).max(63).optional(),
  [ENV.mediaCaFile]: z.string().min(1).optional(),
  [ENV.mediaUrlDestinations]: z.enum(['strict', 'loopback-http']).default('strict'),
});

export interface HostConfig {
  readonly hostId: string;
  readonly port: number;
  /** Advertised base URL of the internal endpoint; defaults to loopback and the bound port. */
  readonly endpoint: string | undefined;
  readonly capacity: number;
  readonly internalToken: string;
  readonly wsManagementEndpoint: string;
  readonly eventLogTtlSeconds: number;
  readonly waWebSocketUrl: string | undefined;
  readonly waVersion: [number, number, number] | undefined;
  readonly waCertPublicKey: string | undefined;
  readonly reconcileIntervalMs: number;
  readonly heartbeatIntervalMs: number;
  readonly leaseMs: number;
  readonly handoffBudgetMs: number;
  readonly qrTimeoutMs: number | undefined;
  readonly logLevel: string;
  readonly storage: StorageConfig;
  /** Set by the test run only: where to record the DynamoDB/S3 requests this host issues. */
  readonly awsOperationLogDir: string | undefined;
  /** Without it media sends fail MEDIA_NOT_CONFIGURED and incoming media is announced MEDIA_STORE_FAILED. */
  readonly mediaBucket: string | undefined;
  /** PEM file of an extra CA trusted for WhatsApp's media hosts (the fake's test CA). */
  readonly mediaCaFile: string | undefined;
  /** `loopback-http`: media URLs (and media hosts) on loopback are allowed; otherwise public https only. */
  readonly mediaUrlDestinations: 'strict' | 'loopback-http';
}

export function loadHostConfig(env: NodeJS.ProcessEnv): HostConfig {
  const c = parseEnv(schema, env);
  const version = c[ENV.waVersion]?.split('.').map(Number) as [number, number, number] | undefined;
  return {
    hostId:
      c[ENV.hostId] ??
      `${hostname()
        .replace(/[^A-Za-z0-9._-]/g, '-')
        .slice(0, 40)}-${process.pid}`,
    port: c[ENV.hostPort],
    endpoint: c[ENV.hostEndpoint],
    capacity: c[ENV.hostCapacity],
    internalToken: c[ENV.internalToken],
    wsManagementEndpoint: c[ENV.wsManagementEndpoint],
    eventLogTtlSeconds: c[ENV.eventLogTtlSeconds],
    waWebSocketUrl: c[ENV.waWebSocketUrl],
    waVersion: version,
    waCertPublicKey: c[ENV.waCertPublicKey],
    reconcileIntervalMs: c[ENV.reconcileIntervalMs],
    heartbeatIntervalMs: c[ENV.heartbeatIntervalMs],
    leaseMs: c[ENV.leaseMs],
    handoffBudgetMs: c[ENV.handoffBudgetMs],
    qrTimeoutMs: c[ENV.qrTimeoutMs],
    logLevel: c[ENV.logLevel],
    storage: loadStorageConfig(env),
    awsOperationLogDir: c[ENV.awsOperationLog],
    mediaBucket: c[ENV.mediaBucket],
    mediaCaFile: c[ENV.mediaCaFile],
    mediaUrlDestinations: c[ENV.mediaUrlDestinations],
  };
}
