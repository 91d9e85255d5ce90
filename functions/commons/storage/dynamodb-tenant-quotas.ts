import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { QUOTA_NAMES, type TenantQuotaOverrides, type TenantQuotaStore } from '../limits/tenant-limits.ts';
import { TENANT_ITEMS } from './tables.ts';

/** A tenant's quota overrides: one item in the tenants table, written only by a MASTER. */
export class DynamoDbTenantQuotas implements TenantQuotaStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: { client: DynamoDBDocumentClient; tenantsTable: string }) {
    this.#doc = options.client;
    this.#table = options.tenantsTable;
  }

  async getOverrides(tenantId: string): Promise<TenantQuotaOverrides> {
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { tenantId, item: TENANT_ITEMS.limits },
        ConsistentRead: true,
      }),
    );
    const overrides: Partial<Record<string, number>> = {};
    for (const name of QUOTA_NAMES) if (typeof Item?.[name] === 'number') overrides[name] = Item[name];
    return overrides;
  }

  async putOverrides(tenantId: string, overrides: TenantQuotaOverrides, now: Date): Promise<void> {
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: { ...overrides, tenantId, item: TENANT_ITEMS.limits, updatedAt: now.toISOString() },
      }),
    );
  }
}
