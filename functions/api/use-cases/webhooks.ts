import { randomBytes } from 'node:crypto';
import type { Principal } from '#commons/auth/principal.ts';
import {
  ValidationFailedError,
  WebhookLimitReachedError,
  WebhookNotFoundError,
  WebhookUrlRefusedError,
} from '#commons/errors/app-errors.ts';
import type { Logger } from '#commons/logging/logger.ts';
import { type DestinationMode, DestinationRefusedError } from '#commons/webhooks/address-policy.ts';
import { verdictOf } from '#commons/webhooks/retry-schedule.ts';
import { WEBHOOK_LIMITS } from '#commons/webhooks/webhook-config.ts';
import {
  signingSecrets,
  viewOf,
  type WebhookEndpoint,
  type WebhookView,
} from '#commons/webhooks/webhook-endpoint.ts';
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  EndpointPatch,
  WebhookCursorStore,
  WebhookDeliveryLog,
  WebhookEndpointStore,
} from '#commons/webhooks/webhook-ports.ts';
import { checkDestination, type PostResult, type Resolve } from '#commons/webhooks/webhook-poster.ts';
import { type ReplayInput, type ReplayResult, replayDeliveries } from '#commons/webhooks/webhook-replay.ts';
import { newSigningSecret, signedHeaders } from '#commons/webhooks/webhook-signing.ts';
import { actingTenant } from './session-access.ts';

/** What the webhook routes need; the composition root supplies adapters. */
export interface WebhookDependencies {
  readonly endpoints: WebhookEndpointStore;
  readonly cursors: WebhookCursorStore;
  readonly deliveries: WebhookDeliveryLog;
  readonly destinations: DestinationMode;
  readonly resolve?: Resolve | undefined;
  /** One signed POST (the `test` route). */
  readonly post: (url: string, headers: Record<string, string>, body: string) => Promise<PostResult>;
  readonly rotationOverlapSeconds: number;
  readonly maxEndpointsPerTenant: number;
  readonly log: Logger;
  readonly clock: () => Date;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function newWebhookId(): string {
  return `whk_${[...randomBytes(20)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}

async function checkedUrl(deps: WebhookDependencies, url: string): Promise<string> {
  try {
    return (await checkDestination(url, deps.destinations, deps.resolve)).toString();
  } catch (err) {
    if (err instanceof DestinationRefusedError) {
      throw new WebhookUrlRefusedError(`url refused: ${err.message}`, {
        cause: err,
        details: { reason: err.reason },
      });
    }
    throw err;
  }
}

async function load(deps: WebhookDependencies, tenantId: string, id: string): Promise<WebhookEndpoint> {
  const endpoint = await deps.endpoints.get(tenantId, id);
  if (!endpoint) throw new WebhookNotFoundError();
  return endpoint;
}

export interface CreateWebhookInput {
  readonly url: string;
  readonly events: readonly string[];
  readonly sessionIds?: readonly string[] | undefined;
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly tenantId?: string | undefined;
}

export async function createWebhook(
  deps: WebhookDependencies,
  principal: Principal,
  input: CreateWebhookInput,
): Promise<WebhookView & { secret: string }> {
  const tenantId = actingTenant(principal, input.tenantId);
  const url = await checkedUrl(deps, input.url);
  const secret = newSigningSecret();
  const endpoint: WebhookEndpoint = {
    tenantId,
    endpointId: newWebhookId(),
    url,
    events: [...new Set(input.events)],
    ...(input.sessionIds && { sessionIds: [...new Set(input.sessionIds)] }),
    ...(input.description !== undefined && { description: input.description }),
    enabled: input.enabled ?? true,
    ...(input.enabled === false && { disabledReason: 'manual' as const }),
    createdAt: deps.clock().toISOString(),
    secrets: [{ secret }],
  };
  if (!(await deps.endpoints.create(endpoint, deps.maxEndpointsPerTenant))) {
    throw new WebhookLimitReachedError(
      `a tenant may have at most ${deps.maxEndpointsPerTenant} webhook endpoints`,
      {
        details: { limit: deps.maxEndpointsPerTenant },
      },
    );
  }
  deps.log.info({ tenantId, endpointId: endpoint.endpointId }, 'webhook endpoint created');
  return { ...viewOf(endpoint), secret };
}

export async function listWebhooks(
  deps: WebhookDependencies,
  principal: Principal,
  tenant?: string,
): Promise<WebhookView[]> {
  const tenantId = actingTenant(principal, tenant);
  const all = await deps.endpoints.list(tenantId);
  return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(viewOf);
}

export async function getWebhook(
  deps: WebhookDependencies,
  principal: Principal,
  id: string,
  tenant?: string,
): Promise<WebhookView> {
  return viewOf(await load(deps, actingTenant(principal, tenant), id));
}

export interface UpdateWebhookInput {
  readonly url?: string | undefined;
  readonly events?: readonly string[] | undefined;
  readonly sessionIds?: readonly string[] | null | undefined;
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
}

export async function updateWebhook(
  deps: WebhookDependencies,
  principal: Principal,
  id: string,
  input: UpdateWebhookInput,
  tenant?: string,
): Promise<WebhookView> {
  const tenantId = actingTenant(principal, tenant);
  const before = await load(deps, tenantId, id);
  const patch: Record<string, unknown> = {};
  if (input.url !== undefined) patch.url = await checkedUrl(deps, input.url);
  if (input.events !== undefined) patch.events = [...new Set(input.events)];
  if (input.sessionIds !== undefined)
    patch.sessionIds = input.sessionIds === null ? null : [...new Set(input.sessionIds)];
  if (input.description !== undefined) patch.description = input.description;
  if (input.enabled !== undefined) {
    patch.enabled = input.enabled;
    patch.disabledReason = input.enabled ? null : 'manual';
    if (input.enabled) {
      patch.failingSince = null;
      patch.disabledAt = null;
      patch.disabledNotified = null;
    }
  }
  const after = await deps.endpoints.update(tenantId, id, patch as EndpointPatch);
  if (!after) throw new WebhookNotFoundError();
  if (input.enabled && !before.enabled) {
    // Re-enabled: every session it follows resumes from its cursor.
    const now = deps.clock().getTime();
    for (const sessionId of await deps.cursors.sessionsOf(id)) {
      await deps.cursors.markDirty({ endpointId: id, sessionId }, tenantId, now);
    }
  }
  return viewOf(after);
}

export async function deleteWebhook(
  deps: WebhookDependencies,
  principal: Principal,
  id: string,
  tenant?: string,
): Promise<void> {
  const tenantId = actingTenant(principal, tenant);
  if (!(await deps.endpoints.delete(tenantId, id))) throw new WebhookNotFoundError();
}

/** A new secret; the old ones keep signing for the overlap, then stop. */
export async function rotateWebhookSecret(
  deps: WebhookDependencies,
  principal: Principal,
  id: string,
  tenant?: string,
): Promise<{ secret: string; previousSecretExpiresAt: string }> {
  const tenantId = actingTenant(principal, tenant);
  const endpoint = await load(deps, tenantId, id);
  const now = deps.clock().getTime();
  const expiresAt = now + deps.rotationOverlapSeconds * 1000;
  const secret = newSigningSecret();
  // Secrets already expired are dropped; live old ones end with the overlap at the latest.
  const kept = endpoint.secrets
    .filter((s) => s.expiresAt === undefined || s.expiresAt > now)
    .map((s) => ({ secret: s.secret, expiresAt: Math.min(s.expiresAt ?? expiresAt, expiresAt) }))
    // Bounded: each secret grows the item (400 KB cap) and every delivery's signature header.
    .slice(-WEBHOOK_LIMITS.maxPreviousSecrets);
  const updated = await deps.endpoints.update(tenantId, id, { secrets: [...kept, { secret }] });
  if (!updated) throw new WebhookNotFoundError();
  deps.log.info({ tenantId, endpointId: id }, 'webhook secret rotated');
  return { secret, previousSecretExpiresAt: new Date(expiresAt).toISOString() };
}

/** Sends one signed `webhook:test` event now and reports the attempt (it is not logged as a delivery). */
export async function testWebhook(
  deps: WebhookDependencies,
  principal: Principal,
  id: string,
  tenant?: string,
): Promise<{ delivered: boolean; attempt: AttemptRecord }> {
  const endpoint = await load(deps, actingTenant(principal, tenant), id);
  const now = deps.clock().getTime();
  const eventId = `test_${randomBytes(10).toString('hex')}`;
  const body = JSON.stringify({
    v: 1,
    type: 'webhook:test',
    eventId,
    at: new Date(now).toISOString(),
    data: { webhookId: endpoint.endpointId },
  });
  const headers = signedHeaders(signingSecrets(endpoint, now), eventId, Math.floor(now / 1000), body);
  const result = await deps.post(endpoint.url, { ...headers }, body);
  return {
    delivered: verdictOf(result.status) === 'delivered',
    attempt: {
      at: new Date(now).toISOString(),
      durationMs: result.durationMs,
      ...(result.status !== undefined && { status: result.status }),
      ...(result.error !== undefined && { error: result.error }),
      ...(result.responseBody !== undefined && { responseBody: result.responseBody.slice(0, 1024) }),
    },
  };
}

export async function listDeliveries(
  deps: WebhookDependencies,
  principal: Principal,
  id: string,
  query: {
    status?: DeliveryStatus | undefined;
    limit: number;
    after?: string | undefined;
    tenantId?: string | undefined;
  },
): Promise<{ deliveries: DeliveryRecord[]; next?: string | undefined }> {
  const endpoint = await load(deps, actingTenant(principal, query.tenantId), id);
  return deps.deliveries.list(endpoint.endpointId, query);
}

export async function replayWebhook(
  deps: WebhookDependencies,
  principal: Principal,
  id: string,
  input: ReplayInput,
  tenant?: string,
): Promise<ReplayResult> {
  if (input.after !== undefined && input.eventIds !== undefined) {
    throw new ValidationFailedError('give either after or eventIds, not both');
  }
  const endpoint = await load(deps, actingTenant(principal, tenant), id);
  return replayDeliveries(deps, endpoint, input, deps.clock().getTime());
}
