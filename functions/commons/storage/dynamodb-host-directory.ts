import { type DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { HostDirectory } from '../hosts/host-directory.ts';
import { type HostRecord, isLive } from '../hosts/host-record.ts';

export interface DynamoDbHostDirectoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly hostsTable: string;
}

/**
 * Reads the hosts table. A fleet is tens of hosts, so a filtered scan is the
 * right shape; TTL deletion is lazy, so liveness is always checked on read.
 */
export class DynamoDbHostDirectory implements HostDirectory {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbHostDirectoryOptions) {
    this.#doc = options.client;
    this.#table = options.hostsTable;
  }

  async listLive(now: Date): Promise<readonly HostRecord[]> {
    const hosts: HostRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new ScanCommand({
          TableName: this.#table,
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      hosts.push(...((page.Items ?? []) as HostRecord[]).filter((h) => isLive(h, now)));
      start = page.LastEvaluatedKey;
    } while (start);
    return hosts;
  }

  async getLive(hostId: string, now: Date): Promise<HostRecord | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { hostId }, ConsistentRead: true }),
    );
    const host = Item as HostRecord | undefined;
    return host && isLive(host, now) ? host : undefined;
  }
}
