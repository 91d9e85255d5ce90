/**
 * A tenant's webhook endpoint and the pure rules of which events it gets.
 */
import type { EventEnvelope } from '../domain/events.ts';

export interface SigningSecret {
  readonly secret: string;
  /** Epoch ms after which this secret no longer signs (set on the old secret by a rotation). */
  readonly expiresAt?: number | undefined;
}

export type DisabledReason = 'gone' | 'failing' | 'manual';

export interface WebhookEndpoint {
  readonly tenantId: string;
  readonly endpointId: string;
  readonly url: string;
  /** Exact event types, or `*` for all. */
  readonly events: readonly string[];
  /** Absent: every session of the tenant. */
  readonly sessionIds?: readonly string[] | undefined;
  readonly description?: string | undefined;
  readonly enabled: boolean;
  readonly disabledReason?: DisabledReason | undefined;
  /** Epoch ms of the first failure in the current unbroken run of failures. */
  readonly failingSince?: number | undefined;
  /** Epoch ms the dispatcher disabled it (410 or failing); names its webhook:disabled event. */
  readonly disabledAt?: number | undefined;
  /** The webhook:disabled event for `disabledAt` is in a log. */
  readonly disabledNotified?: boolean | undefined;
  readonly createdAt: string;
  readonly secrets: readonly SigningSecret[];
}

/** What the API shows: never a secret. */
export type WebhookView = Omit<
  WebhookEndpoint,
  'secrets' | 'failingSince' | 'disabledAt' | 'disabledNotified'
> & {
  readonly failingSince?: string | undefined;
};

export function viewOf(endpoint: WebhookEndpoint): WebhookView {
  const { secrets: _secrets, failingSince, disabledAt: _at, disabledNotified: _told, ...rest } = endpoint;
  return {
    ...rest,
    ...(failingSince !== undefined && { failingSince: new Date(failingSince).toISOString() }),
  };
}

/** Whether the endpoint follows this session at all (its cursor must advance even past unwanted events). */
export function coversSession(endpoint: WebhookEndpoint, sessionId: string): boolean {
  return endpoint.sessionIds === undefined || endpoint.sessionIds.includes(sessionId);
}

/** Whether this event is sent to the endpoint: a wanted type, recorded after the endpoint was created. */
export function wantsEvent(endpoint: WebhookEndpoint, event: Pick<EventEnvelope, 'type' | 'at'>): boolean {
  if (event.at < endpoint.createdAt) return false;
  return endpoint.events.includes('*') || endpoint.events.includes(event.type);
}

/** The secrets that sign at `now`, newest first. */
export function signingSecrets(endpoint: WebhookEndpoint, now: number): string[] {
  return endpoint.secrets
    .filter((s) => s.expiresAt === undefined || s.expiresAt > now)
    .map((s) => s.secret)
    .reverse();
}

/** Disable an endpoint that has failed without one success for this long (default 5 days). */
export const DEFAULT_DISABLE_AFTER_MS = 5 * 24 * 3_600_000;

export function failingTooLong(endpoint: WebhookEndpoint, now: number, disableAfterMs: number): boolean {
  return endpoint.failingSince !== undefined && now - endpoint.failingSince >= disableAfterMs;
}
