/**
 * Everything a deployment may choose, read once from CDK context
 * (`cdk.json` or `npx cdk deploy -c key=value`) with documented defaults.
 * Stacks receive the parsed result; nothing below app.ts reads context.
 */
import { z } from 'zod';
import { TENANT_ID_PATTERN } from '#commons/domain/session-record.ts';

const optionalText = z.string().trim().min(1).optional();
const count = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

/** Log retention values CloudWatch Logs accepts. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653,
] as const;

export const deploymentConfigSchema = z
  .object({
    /** Prefix of every stack name; change it to deploy a second copy into one account and region. */
    stackPrefix: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/)
      .default('Zapfleet'),
    /** JWKS of the identity provider that signs tenant tokens. Unset: every token is refused. */
    jwksUrl: z.url().optional(),
    /** Expected `iss` of tenant tokens. Unset: every token is refused. */
    jwtIssuer: optionalText,
    /** Expected `aud` of tenant tokens. */
    jwtAudience: z.string().trim().min(1).default('zapfleet'),
    /** Claim that names the tenant. */
    tenantClaim: z.string().trim().min(1).default('tenant'),
    /** Claim that names the role (MASTER or ADMIN). */
    roleClaim: z.string().trim().min(1).default('role'),
    /** The one tenant whose MASTER tokens are honoured (operators). Unset: every MASTER token is refused. */
    operatorTenant: z.string().regex(TENANT_ID_PATTERN, 'expected a tenant id').optional(),
    /** NAT gateways: one per AZ (2) survives an AZ outage; 1 halves the fixed cost for a test stage. */
    natGateways: count(1, 2),
    /** Fargate task size of a session host. */
    hostCpu: z.coerce
      .number()
      .pipe(z.union([z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]))
      .default(1024),
    hostMemoryMiB: count(1024, 4096),
    /** Sessions one host accepts (DESIGN.md: ≤ 2.5 MB each, so 1,000 fit 4 GiB with room for the heap's slack). */
    hostCapacity: count(1, 1000),
    /** Target-tracking value for the average of SessionsOwned per host; below capacity so a host's sessions fit elsewhere. */
    targetSessionsPerHost: count(1, 700),
    minHosts: count(1, 2),
    maxHosts: count(1, 20),
    /** Timeout of a control-plane call to a host's internal endpoint. */
    hostRequestTimeoutMs: count(100, 5000),
    /** WhatsApp WebSocket URL for the hosts; unset means the real WhatsApp. */
    waWebSocketUrl: z.url().optional(),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
    logRetentionDays: z.coerce
      .number()
      .refine((d) => (RETENTION_DAYS as readonly number[]).includes(d), {
        message: `one of ${RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
    /** Steady request rate of the HTTP API stage (the account shares 10,000 req/s with PostToConnection). */
    httpRateLimit: count(1, 1000),
    httpBurstLimit: count(1, 2000),
    /** Steady message rate of the WebSocket stage's routes. */
    wsRateLimit: count(1, 500),
    wsBurstLimit: count(1, 1000),
    /** Days a media object (upload or received file) is kept before the bucket's lifecycle deletes it. */
    mediaRetentionDays: count(1, 30),
    /** Address subscribed to the alarm topic; unset: subscribe later. */
    alarmEmail: z.email().optional(),
  })
  .refine((c) => c.minHosts <= c.maxHosts, { message: 'minHosts must not exceed maxHosts' })
  .refine((c) => c.targetSessionsPerHost <= c.hostCapacity, {
    message: 'targetSessionsPerHost must not exceed hostCapacity',
  });

export type DeploymentConfig = z.infer<typeof deploymentConfigSchema>;

export class DeploymentConfigError extends Error {
  override readonly name = 'DeploymentConfigError';
}

export const CONFIG_KEYS = Object.keys(deploymentConfigSchema.shape) as (keyof DeploymentConfig)[];

/** Parses context values (CLI `-c` values arrive as strings), failing loudly on any bad one. */
export function parseDeploymentConfig(read: (key: string) => unknown): DeploymentConfig {
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = read(key);
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = deploymentConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new DeploymentConfigError(`invalid deployment context: ${problems}`);
}
