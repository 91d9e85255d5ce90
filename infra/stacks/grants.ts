/**
 * Who may touch what — the one place to read (and review) every data grant.
 * Tests restate these sets independently, so a widened grant fails them.
 */
import type { AuthObjectAccess, TableGrants } from '../constructs/access.ts';

/** The part of `auth/{tenant}/{session}/` common to every session. */
export const AUTH_PREFIX = 'auth/';

/** HTTP API Lambda: session CRUD, name claims, placement (reads the host registry), outbox, event-log replay. */
export const API_TABLE_GRANTS: TableGrants = {
  sessions: ['read', 'write'],
  sessionNames: ['read', 'write'],
  hosts: ['read', 'scan'],
  outbox: ['read', 'write'],
  events: ['read'],
};
/** DELETE of a session wipes its auth state (list + delete). */
export const API_AUTH_ACCESS: readonly AuthObjectAccess[] = ['delete'];

/** WebSocket Lambda: its connections and subscriptions; sessions and events for the late subscriber's snapshot. */
export const WS_TABLE_GRANTS: TableGrants = {
  connections: ['read', 'write'],
  subscriptions: ['read', 'write'],
  sessions: ['read'],
  events: ['read'],
};

/** Session host: leases, heartbeats, events and outbox; fan-out reads subscribers and removes a connection after 410. */
export const HOST_TABLE_GRANTS: TableGrants = {
  sessions: ['read', 'write'],
  hosts: ['read', 'write', 'scan'],
  events: ['read', 'write'],
  outbox: ['read', 'write'],
  subscriptions: ['read', 'delete'],
  connections: ['read', 'delete'],
};
export const HOST_AUTH_ACCESS: readonly AuthObjectAccess[] = ['get', 'put', 'delete'];
