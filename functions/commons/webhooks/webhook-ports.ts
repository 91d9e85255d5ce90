import type { EventEnvelope } from '../domain/events.ts';
import type { DisabledReason, WebhookEndpoint } from './webhook-endpoint.ts';

export type EndpointPatch = Partial<
  Pick<WebhookEndpoint, 'url' | 'events' | 'sessionIds' | 'description' | 'enabled' | 'secrets'>
> & {
  readonly disabledReason?: DisabledReason | null;
  readonly failingSince?: number | null;
  readonly disabledAt?: number | null;
  readonly disabledNotified?: boolean | null;
};

export interface WebhookEndpointStore {
  /** Creates the endpoint unless the tenant already has `maxPerTenant`; false when it has. */
  create(endpoint: WebhookEndpoint, maxPerTenant: number): Promise<boolean>;
  get(tenantId: string, endpointId: string): Promise<WebhookEndpoint | undefined>;
  list(tenantId: string): Promise<WebhookEndpoint[]>;
  /** Undefined when the endpoint does not exist. */
  update(tenantId: string, endpointId: string, patch: EndpointPatch): Promise<WebhookEndpoint | undefined>;
  delete(tenantId: string, endpointId: string): Promise<boolean>;
  /**
   * Disables an enabled endpoint at `at`; the endpoint as disabled, or
   * undefined when it was not enabled (someone else disabled it first).
   */
  disable(
    tenantId: string,
    endpointId: string,
    reason: 'gone' | 'failing',
    at: number,
  ): Promise<WebhookEndpoint | undefined>;
}

export interface CursorKey {
  readonly endpointId: string;
  readonly sessionId: string;
}

export interface ClaimedCursor extends CursorKey {
  readonly tenantId: string;
  /** Last seq delivered or dead-lettered. */
  readonly delivered: number;
  /** Failed attempts of the delivery after `delivered`. */
  readonly failures: number;
  /** Nudges counted when claimed: the cursor is only marked idle if none arrived since. */
  readonly nudges: number;
}

export interface DueCursor extends CursorKey {
  readonly tenantId: string;
  readonly dueAt: number;
}

/** Thrown when another dispatcher took the cursor's lease (ours expired). */
export class CursorLeaseLostError extends Error {
  override readonly name = 'CursorLeaseLostError';
}

export interface WebhookCursorStore {
  /** Durably records that the cursor may have work (an event was appended). */
  markDirty(key: CursorKey, tenantId: string, now: number): Promise<void>;
  /** Takes the lease if free (or already `owner`'s) and the cursor is due; undefined otherwise. */
  claim(
    key: CursorKey,
    tenantId: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<ClaimedCursor | undefined>;
  /** Moves the cursor forward from `from` to `to`, resetting failures and renewing the lease. */
  advance(
    key: CursorKey,
    owner: string,
    from: number,
    to: number,
    now: number,
    leaseMs: number,
  ): Promise<void>;
  /** Records a failure and releases the lease until `dueAt`. */
  retryAt(key: CursorKey, owner: string, failures: number, dueAt: number): Promise<void>;
  /** Releases the lease; marks the cursor idle unless a nudge arrived after the claim (then false). */
  finish(key: CursorKey, owner: string, nudges: number): Promise<boolean>;
  /** Releases the lease and leaves the cursor due at `now` (stopped early: endpoint gone or disabled). */
  release(key: CursorKey, owner: string): Promise<void>;
  /** Cursors due at or before `now`, oldest first. */
  due(now: number, limit: number): Promise<DueCursor[]>;
  /** Moves the cursor back so seq > `to` is delivered again (replay). */
  rewind(key: CursorKey, tenantId: string, to: number, now: number): Promise<void>;
  sessionsOf(endpointId: string): Promise<string[]>;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'retrying' | 'dead' | 'replayed';

export interface AttemptRecord {
  readonly at: string;
  readonly status?: number | undefined;
  readonly error?: string | undefined;
  readonly durationMs: number;
  /** The start of the receiver's answer (at most 1 KB). */
  readonly responseBody?: string | undefined;
}

export interface DeliveryRecord {
  readonly endpointId: string;
  readonly sessionId: string;
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  readonly status: DeliveryStatus;
  readonly attempts: readonly AttemptRecord[];
  readonly nextAttemptAt?: string | undefined;
  readonly updatedAt: string;
  /** Kept with a dead letter so it can be replayed after the log expired it. */
  readonly event?: EventEnvelope | undefined;
}

export interface WebhookDeliveryLog {
  recordAttempt(
    delivery: Omit<DeliveryRecord, 'attempts' | 'updatedAt'>,
    attempt: AttemptRecord,
    retentionSeconds: number,
  ): Promise<void>;
  list(
    endpointId: string,
    options: { status?: DeliveryStatus | undefined; limit: number; after?: string | undefined },
  ): Promise<{ deliveries: DeliveryRecord[]; next?: string | undefined }>;
  get(endpointId: string, sessionId: string, seq: number): Promise<DeliveryRecord | undefined>;
  /** Dead letters of an endpoint (and session), oldest first. */
  deadLetters(endpointId: string, sessionId?: string): Promise<DeliveryRecord[]>;
  setStatus(endpointId: string, sessionId: string, seq: number, status: DeliveryStatus): Promise<void>;
}
