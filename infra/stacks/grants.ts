/**
 * Who may touch what — the one place to read (and review) every data grant.
 * Each action is one the runtime's code issues; tests/after-suite/aws-grants.test.ts
 * holds them against the requests the test suite records from each runtime,
 * both ways: a request without a grant fails it, and so does a grant no request used.
 */
import type { AuthObjectAccess, MediaObjectAccess, TableGrants } from '../constructs/access.ts';

/** The part of `auth/{tenant}/{session}/` common to every session. */
export const AUTH_PREFIX = 'auth/';

/** HTTP API Lambda: session CRUD (transactions with the name claim), placement, outbox, event-log replay. */
export const API_TABLE_GRANTS: TableGrants = {
  // ConditionCheckItem: a stale member of a tenant's running set is removed only if its session is not RUNNING.
  // Scan: a MASTER's overview counts every tenant's sessions by status (bounded, status and owner only).
  sessions: {
    items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'Scan'],
    indexes: ['Query'],
  },
  // Tenant limits: overrides (MASTER), usage counted in the session transactions, rate buckets, pairing windows;
  // Query: the overview's per-minute message counters.
  tenants: { items: ['GetItem', 'PutItem', 'UpdateItem', 'Query'] },
  sessionNames: { items: ['PutItem', 'DeleteItem'] },
  hosts: { items: ['GetItem', 'Scan'] },
  // The send queue: a session's pending rows counted on the queue index before a 202.
  outbox: { items: ['GetItem', 'PutItem', 'UpdateItem'], indexes: ['Query'] },
  events: { items: ['GetItem', 'Query', 'UpdateItem'] },
  // Webhook endpoints API: endpoints CRUD, cursors moved back by replay / marked on re-enable, delivery listing.
  webhooks: { items: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'] },
  webhookCursors: { items: ['Query', 'UpdateItem'] },
  webhookDeliveries: { items: ['Query', 'UpdateItem'] },
};
/** DELETE of a session wipes its auth state: every object version and delete marker (list + delete). */
export const API_AUTH_ACCESS: readonly AuthObjectAccess[] = ['delete', 'deleteVersions'];
/**
 * Media: presigned PUTs (signed with the API's role, so it needs PutObject),
 * presigned GETs plus the send-time HEAD and ranged sniff (GetObject), and
 * DELETE of a session (list + delete; the bucket is not versioned).
 */
export const API_MEDIA_ACCESS: readonly MediaObjectAccess[] = ['get', 'put', 'delete'];

/** WebSocket Lambda: its connections and subscriptions; sessions and events for the late subscriber's snapshot. */
export const WS_TABLE_GRANTS: TableGrants = {
  // The index counts a tenant's live connections at $connect (the connection cap).
  connections: { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], indexes: ['Query'] },
  // The per-tenant action rate's bucket.
  tenants: { items: ['UpdateItem'] },
  subscriptions: { items: ['PutItem', 'DeleteItem', 'BatchWriteItem'], indexes: ['Query'] },
  sessions: { items: ['GetItem'] },
  // UpdateItem: (un)subscribe bumps the session's subscriptions version on its counter item.
  events: { items: ['GetItem', 'Query', 'UpdateItem'] },
};

/**
 * Session host: fenced updates of the sessions it owns (never creates or
 * deletes one), its registry entry, the event log, and fan-out: reads
 * subscribers, and removes a connection after 410 (the connection with
 * DeleteItem, its subscriptions with BatchWriteItem).
 */
export const HOST_TABLE_GRANTS: TableGrants = {
  // Scan of the owner index: finding owners whose registry row is gone (rare, keys only).
  sessions: { items: ['GetItem', 'UpdateItem'], indexes: ['Query', 'Scan'] },
  // ConditionCheckItem: a takeover lands only while the dead host's row is as it was judged.
  hosts: { items: ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'Scan'] },
  events: { items: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
  subscriptions: { items: ['Query', 'BatchWriteItem'], indexes: ['Query'] },
  connections: { items: ['DeleteItem'] },
  // The send queue: pending rows by the queue index, fenced SENDING/SENT/FAILED marks.
  outbox: { items: ['UpdateItem'], indexes: ['Query'] },
};
/** A logout wipes every version of the session's objects (old journal entries hold full creds). */
export const HOST_AUTH_ACCESS: readonly AuthObjectAccess[] = ['get', 'put', 'delete', 'deleteVersions'];
/** Media: reads an upload to send it, streams a received file in (multipart, aborted when a check fails). */
export const HOST_MEDIA_ACCESS: readonly MediaObjectAccess[] = ['get', 'put', 'abortMultipart'];

/**
 * Webhook dispatcher Lambda: reads the event log, reads endpoints (and
 * disables them on 410 or continuous failure), moves cursors (lease,
 * advance, retry time) and finds due ones by index, appends attempts.
 * It appends `webhook:disabled` to a session's log (the counter read with
 * GetItem, then counter update and event + id-marker puts in one transaction).
 * The stream read grant comes with the event source mapping.
 */
export const WEBHOOKS_TABLE_GRANTS: TableGrants = {
  events: { items: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
  webhooks: { items: ['GetItem', 'Query', 'UpdateItem'] },
  webhookCursors: { items: ['UpdateItem'], indexes: ['Query'] },
  webhookDeliveries: { items: ['UpdateItem'] },
  // The overview's per-minute message counters, moved from the same stream batches.
  tenants: { items: ['UpdateItem'] },
};
