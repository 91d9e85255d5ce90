import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RegisteredHost } from '../hosts/host-directory.ts';
import type { HostRegistration, HostRegistry } from '../hosts/host-registry.ts';
import {
  decodeHostItems,
  encodeHostItem,
  HOST_RECORD_RETENTION_SECONDS,
  hostKey,
  hostPurgeAt,
  leaseExpiresAt,
} from './host-item.ts';

export type { HostRegistration } from '../hosts/host-registry.ts';

/** The hosts table in the host role (the API role is DynamoDbHostDirectory). This host's record in the hosts table: registered at start, renewed by heartbeat, removed on exit. */
export class DynamoDbHostRegistry implements HostRegistry {
  private version = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async register(host: HostRegistration, load: number): Promise<void> {
    // Versions start at the registration's wall ms, not 1: a restarted incarnation counting from 1
    // could reach the very version a peer last saw of the previous one and be judged dead by it.
    this.version = Math.max(this.version + 1, Math.floor(this.now()));
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: encodeHostItem(host, {
          load,
          heartbeatVersion: this.version,
          nowMs: this.now(),
          leaseMs: this.leaseMs,
        }),
      }),
    );
  }

  /** Renews the lease; false when the record is gone or belongs to another incarnation. */
  async heartbeat(host: HostRegistration, load: number, draining: boolean): Promise<boolean> {
    this.version += 1;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: hostKey(host.hostId),
          UpdateExpression:
            'SET heartbeatVersion = :v, heartbeatAt = :at, expiresAt = :exp, purgeAt = :purge, #load = :load, draining = :draining',
          ConditionExpression: 'incarnation = :inc',
          ExpressionAttributeNames: { '#load': 'load' },
          ExpressionAttributeValues: {
            ':v': this.version,
            ':at': this.now(),
            ':exp': this.expiresAt(),
            ':purge': hostPurgeAt(this.now(), this.leaseMs),
            ':load': load,
            ':draining': draining,
            ':inc': host.incarnation,
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /**
   * Leaves the fleet: the record stays, marked gone and no longer live, so
   * peers take over at once whatever this host could not hand off.
   */
  async deregister(host: HostRegistration): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: hostKey(host.hostId),
          UpdateExpression:
            'SET gone = :t, expiresAt = :exp, purgeAt = :purge, heartbeatVersion = heartbeatVersion + :one, #load = :zero',
          ConditionExpression: 'incarnation = :inc',
          ExpressionAttributeNames: { '#load': 'load' },
          ExpressionAttributeValues: {
            ':t': true,
            ':exp': Math.floor(this.now() / 1000),
            ':purge': Math.floor(this.now() / 1000) + HOST_RECORD_RETENTION_SECONDS,
            ':one': 1,
            ':zero': 0,
            ':inc': host.incarnation,
          },
        }),
      )
      .catch((err: unknown) => {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      });
  }

  /** Every host record, live or not (a small table: one item per host). */
  async all(): Promise<RegisteredHost[]> {
    const out: RegisteredHost[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({ TableName: this.table, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      out.push(...decodeHostItems(page.Items));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Removes a dead host's record once nothing is left on it, unless it came back meanwhile. */
  async forget(hostId: string, seenVersion: number): Promise<void> {
    await this.doc
      .send(
        new DeleteCommand({
          TableName: this.table,
          Key: hostKey(hostId),
          ConditionExpression: 'heartbeatVersion = :v',
          ExpressionAttributeValues: { ':v': seenVersion },
        }),
      )
      .catch((err: unknown) => {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      });
  }

  private expiresAt(): number {
    return leaseExpiresAt(this.now(), this.leaseMs);
  }
}
