import type { RegisteredHost } from '#commons/hosts/host-directory.ts';
import type { HostRegistration, HostRegistry } from '#commons/hosts/host-registry.ts';
import { HOST_RECORD_RETENTION_SECONDS, hostPurgeAt, leaseExpiresAt } from '#commons/storage/host-item.ts';
import { TABLES } from '#commons/storage/tables.ts';
import { direct, type Transport } from './memory-ownership.ts';

type HostRow = RegisteredHost & { readonly incarnation: string; readonly purgeAt: number };

/** The hosts table held in memory: one row per host id. */
export class HostTable {
  private readonly rows = new Map<string, HostRow>();

  put(row: HostRow): void {
    this.rows.set(row.hostId, row);
  }

  get(hostId: string): HostRow | undefined {
    return this.rows.get(hostId);
  }

  delete(hostId: string): void {
    this.rows.delete(hostId);
  }

  all(): RegisteredHost[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }

  /**
   * DynamoDB's TTL sweeper: deletes rows whose TTL attribute (the real table's, in epoch
   * seconds) is before `nowSeconds(row)`, at whatever moment the world calls it.
   */
  sweep(nowSeconds: (hostId: string) => number, attribute = TABLES.hosts.ttlAttribute as string): void {
    for (const [hostId, row] of this.rows) {
      const ttl = (row as unknown as Record<string, unknown>)[attribute];
      if (typeof ttl === 'number' && ttl < nowSeconds(hostId)) this.rows.delete(hostId);
    }
  }
}

/**
 * HostRegistry over a HostTable with the semantics of DynamoDbHostRegistry:
 * the heartbeat version is counted by the host itself (register starts at its wall ms),
 * a heartbeat is conditioned on the incarnation, deregister marks the row
 * gone, and forget deletes only at the version seen.
 */
export class InMemoryHostRegistry implements HostRegistry {
  private version = 0;

  constructor(
    private readonly table: HostTable,
    private readonly leaseMs: number,
    private readonly wallNow: () => number,
    private readonly transport: Transport = direct,
  ) {}

  register(host: HostRegistration, load: number): Promise<void> {
    this.version = Math.max(this.version + 1, Math.floor(this.wallNow()));
    const row = this.row(host, load, this.version, false);
    return this.transport(() => this.table.put(row));
  }

  heartbeat(host: HostRegistration, load: number, draining: boolean): Promise<boolean> {
    this.version += 1;
    const row = this.row(host, load, this.version, draining);
    return this.transport(() => {
      const current = this.table.get(host.hostId);
      if (current?.incarnation !== host.incarnation) return false;
      // Like the UpdateCommand: the fields it sets, `gone` left as it was.
      this.table.put({ ...row, gone: current.gone });
      return true;
    });
  }

  deregister(host: HostRegistration): Promise<void> {
    const expiresAt = Math.floor(this.wallNow() / 1000);
    return this.transport(() => {
      const current = this.table.get(host.hostId);
      if (current?.incarnation !== host.incarnation) return;
      this.table.put({
        ...current,
        gone: true,
        expiresAt,
        purgeAt: expiresAt + HOST_RECORD_RETENTION_SECONDS,
        heartbeatVersion: current.heartbeatVersion + 1,
        load: 0,
      });
    });
  }

  all(): Promise<RegisteredHost[]> {
    return this.transport(() => this.table.all());
  }

  forget(hostId: string, seenVersion: number): Promise<void> {
    return this.transport(() => {
      if (this.table.get(hostId)?.heartbeatVersion === seenVersion) this.table.delete(hostId);
    });
  }

  private row(host: HostRegistration, load: number, version: number, draining: boolean): HostRow {
    const nowMs = this.wallNow();
    return {
      ...host,
      load,
      heartbeatVersion: version,
      heartbeatAt: nowMs,
      expiresAt: leaseExpiresAt(nowMs, this.leaseMs),
      purgeAt: hostPurgeAt(nowMs, this.leaseMs),
      draining,
    };
  }
}
