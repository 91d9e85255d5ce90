/**
 * The one definition of every DynamoDB table and S3 bucket. The CDK data stack
 * and the local/test bootstrap both build their resources from this module.
 */
import { ENV } from '../config/env-names.ts';
import { sessionMediaPrefix } from '../domain/media.ts';

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Logical name: construct id in CDK, suffix of the local table name. */
  readonly id: TableId;
  /** Environment variable that carries the physical name at run time. */
  readonly envName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: readonly IndexDefinition[];
  /** Epoch-seconds attribute; DynamoDB deletes lazily, so reads must also filter on it. */
  readonly ttlAttribute?: string;
  /** A DynamoDB Stream of new images (the events table's drives webhook dispatch). */
  readonly stream?: 'NEW_IMAGE';
}

export type TableId =
  | 'sessions'
  | 'sessionNames'
  | 'hosts'
  | 'connections'
  | 'subscriptions'
  | 'events'
  | 'outbox'
  | 'tenants'
  | 'webhooks'
  | 'webhookCursors'
  | 'webhookDeliveries';

const S = (name: string): KeyAttribute => ({ name, type: 'S' });
const N = (name: string): KeyAttribute => ({ name, type: 'N' });

export const INDEX = {
  sessionsByTenant: 'byTenant',
  sessionsByOwner: 'byOwner',
  subscriptionsByConnection: 'byConnection',
  /** Live connections of a tenant, counted (capped at the limit + 1) at `$connect`. */
  connectionsByTenant: 'byTenant',
  /** Webhook cursors with work pending, by when it is due (sparse: only items with `due`). */
  webhookCursorsByDue: 'byDue',
  /** A session's pending queued messages in queue order (sparse: only rows with `queueKey`). */
  outboxByQueue: 'byQueue',
  /** A session's sent messages by WhatsApp message id, for a resend (sparse: only rows with `sentMessageId`). */
  outboxBySentMessage: 'bySentMessage',
} as const;

/** Sort keys of the tenants table's items. */
export const TENANT_ITEMS = {
  limits: 'limits',
  usage: 'usage',
  rate: (bucket: string) => `rate#${bucket}`,
  window: (name: string, windowStart: number) => `window#${name}#${windowStart}`,
  /** Messages in/out of one minute (whole minutes since the epoch, zero-padded so they sort). */
  stats: (minute: number) => `stats#${String(minute).padStart(12, '0')}`,
} as const;

/** Items of the events table that are not events. */
export const EVENT_LOG_ITEMS = {
  /** Sort key of the session's counter item in the session's own partition; events start at 1. */
  counterSeq: 0,
  /** The counter item's attribute holding the last seq given out. */
  counterAttribute: 'lastSeq',
  /** Partition key prefix of the once-only-per-eventId markers: `dedup#{sessionId}#{eventId}`. */
  markerPrefix: 'dedup#',
} as const;

export const TABLES: Readonly<Record<TableId, TableDefinition>> = {
  sessions: {
    id: 'sessions',
    envName: ENV.tableSessions,
    partitionKey: S('sessionId'),
    indexes: [
      { name: INDEX.sessionsByTenant, partitionKey: S('tenantId'), sortKey: S('createdKey') },
      { name: INDEX.sessionsByOwner, partitionKey: S('ownerHostId'), sortKey: S('sessionId') },
    ],
  },
  /** Uniqueness of a session name inside a tenant, claimed in the same transaction as the session. */
  sessionNames: {
    id: 'sessionNames',
    envName: ENV.tableSessionNames,
    partitionKey: S('tenantName'),
    indexes: [],
  },
  hosts: {
    id: 'hosts',
    envName: ENV.tableHosts,
    partitionKey: S('hostId'),
    indexes: [],
    // Not the lease's expiresAt: a dead host's row must outlive its lease until peers took its sessions.
    ttlAttribute: 'purgeAt',
  },
  connections: {
    id: 'connections',
    envName: ENV.tableConnections,
    partitionKey: S('connectionId'),
    indexes: [{ name: INDEX.connectionsByTenant, partitionKey: S('tenantId'), sortKey: S('connectionId') }],
    ttlAttribute: 'expiresAt',
  },
  subscriptions: {
    id: 'subscriptions',
    envName: ENV.tableSubscriptions,
    partitionKey: S('sessionId'),
    sortKey: S('connectionId'),
    indexes: [
      { name: INDEX.subscriptionsByConnection, partitionKey: S('connectionId'), sortKey: S('sessionId') },
    ],
    ttlAttribute: 'expiresAt',
  },
  /**
   * The per-session event log: events at seq ≥ 1 (with expiresAt), the
   * session's counter at seq 0 (no expiresAt while the session lives), and
   * once-only markers under their own partition keys; see EVENT_LOG_ITEMS.
   */
  events: {
    id: 'events',
    envName: ENV.tableEvents,
    partitionKey: S('sessionId'),
    sortKey: N('seq'),
    indexes: [],
    ttlAttribute: 'expiresAt',
    stream: 'NEW_IMAGE',
  },
  outbox: {
    id: 'outbox',
    envName: ENV.tableOutbox,
    partitionKey: S('sessionId'),
    sortKey: S('idempotencyKey'),
    indexes: [
      { name: INDEX.outboxByQueue, partitionKey: S('sessionId'), sortKey: S('queueKey') },
      { name: INDEX.outboxBySentMessage, partitionKey: S('sessionId'), sortKey: S('sentMessageId') },
    ],
    ttlAttribute: 'expiresAt',
  },
  /** A tenant's webhook endpoints (with their signing secrets, never returned after creation). */
  webhooks: {
    id: 'webhooks',
    envName: ENV.tableWebhooks,
    partitionKey: S('tenantId'),
    sortKey: S('endpointId'),
    indexes: [],
  },
  /**
   * Per (endpoint, session): the last delivered seq, failures of the next
   * one, the dispatcher's lease, and `due`/`dueAt` while work may be pending.
   */
  webhookCursors: {
    id: 'webhookCursors',
    envName: ENV.tableWebhookCursors,
    partitionKey: S('endpointId'),
    sortKey: S('sessionId'),
    indexes: [{ name: INDEX.webhookCursorsByDue, partitionKey: S('due'), sortKey: N('dueAt') }],
  },
  /** One item per (endpoint, session, seq) delivery with its attempts; dead letters keep their event. */
  webhookDeliveries: {
    id: 'webhookDeliveries',
    envName: ENV.tableWebhookDeliveries,
    partitionKey: S('endpointId'),
    sortKey: S('deliveryKey'),
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
  /**
   * Per-tenant control items, keyed by `item` (see TENANT_ITEMS): limit
   * overrides, usage counted in the same transaction as the session write,
   * request-rate buckets and pairing-code windows (these expire by TTL).
   */
  tenants: {
    id: 'tenants',
    envName: ENV.tableTenants,
    partitionKey: S('tenantId'),
    sortKey: S('item'),
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
};

export interface BucketDefinition {
  readonly id: 'auth' | 'media';
  readonly envName: string;
  /** Prefix of every object a session owns: `auth/{tenant}/{session}/`. */
  readonly sessionPrefix: (tenantId: string, sessionId: string) => string;
}

export const AUTH_BUCKET: BucketDefinition = {
  id: 'auth',
  envName: ENV.authBucket,
  sessionPrefix: (tenantId, sessionId) => `auth/${tenantId}/${sessionId}/`,
};

/** Media in and out: `media/{tenant}/{session}/{mediaId}` (see functions/commons/domain/media.ts). */
export const MEDIA_BUCKET: BucketDefinition = {
  id: 'media',
  envName: ENV.mediaBucket,
  sessionPrefix: sessionMediaPrefix,
};

export type TableNames = Readonly<Record<TableId, string>>;

/** Physical names for a local or test deployment: `{prefix}-{id}`. */
export function localTableNames(prefix: string): TableNames {
  const entries = Object.values(TABLES).map((t) => [t.id, `${prefix}-${t.id}`] as const);
  return Object.fromEntries(entries) as Record<TableId, string>;
}

/** The environment a runtime needs to find these resources. */
export function resourceEnvironment(
  tables: TableNames,
  bucket: string,
  mediaBucket: string,
): Record<string, string> {
  const env: Record<string, string> = { [AUTH_BUCKET.envName]: bucket, [MEDIA_BUCKET.envName]: mediaBucket };
  for (const t of Object.values(TABLES)) env[t.envName] = tables[t.id];
  return env;
}
