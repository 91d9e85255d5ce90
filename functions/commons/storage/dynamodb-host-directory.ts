import { type DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { HostDirectory, RegisteredHost } from '../hosts/host-directory.ts';
import { type HostRecord, isLive } from '../hosts/host-record.ts';
import { decodeHostItem, decodeHostItems, hostKey } from './host-item.ts';
import { INDEX } from './tables.ts';

export interface DynamoDbHostDirectoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly hostsTable: string;
  /** Sessions are counted per owner on its byOwner index. */
  readonly sessionsTable: string;
}

/**
 * The hosts table in the API role (the host role is DynamoDbHostRegistry).
 * Reads the hosts table. A fleet is tens of hosts, so a filtered scan is the
 * right shape; TTL deletion is lazy, so liveness is always checked on read.
 */
export class DynamoDbHostDirectory implements HostDirectory {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #sessions: string;

  constructor(options: DynamoDbHostDirectoryOptions) {
    this.#doc = options.client;
    this.#table = options.hostsTable;
    this.#sessions = options.sessionsTable;
  }

  async listLive(now: Date): Promise<readonly HostRecord[]> {
    const seconds = Math.floor(now.getTime() / 1000);
    const hosts = await this.#scan({
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':now': seconds },
    });
    return hosts.filter((h) => isLive(h, now));
  }

  async getLive(hostId: string, now: Date): Promise<HostRecord | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: hostKey(hostId), ConsistentRead: true }),
    );
    const host = decodeHostItem(Item);
    return host && isLive(host, now) ? host : undefined;
  }

  async listAll(): Promise<readonly RegisteredHost[]> {
    return this.#scan({});
  }

  async countOwnedSessions(ownerHostId: string): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      // A COUNT query still pages at 1 MB read, so the pages are summed.
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#sessions,
          IndexName: INDEX.sessionsByOwner,
          KeyConditionExpression: 'ownerHostId = :owner',
          ExpressionAttributeValues: { ':owner': ownerHostId },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }

  async #scan(filter: {
    FilterExpression?: string;
    ExpressionAttributeValues?: Record<string, unknown>;
  }): Promise<RegisteredHost[]> {
    const hosts: RegisteredHost[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new ScanCommand({
          TableName: this.#table,
          ConsistentRead: true,
          ExclusiveStartKey: start,
          ...filter,
        }),
      );
      hosts.push(...decodeHostItems(page.Items));
      start = page.LastEvaluatedKey;
    } while (start);
    return hosts;
  }
}
