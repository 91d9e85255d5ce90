import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, isTransactionConditionFailure } from './dynamodb-conditions.ts';
import type { WebhookEndpoint } from './webhook-endpoint.ts';
import type { EndpointPatch, WebhookEndpointStore } from './webhook-ports.ts';

/**
 * The tenant's endpoint count lives in an item of its own in the same
 * partition (never an endpoint id: those start `whk_`). It moves in the same
 * transaction as the endpoint's put or delete, so concurrent creates cannot
 * pass the limit between a count and a write.
 */
const COUNTER_ID = '#count';
const COUNT = 'endpointCount';

/** Endpoints: PK tenantId, SK endpointId. */
export class DynamoDbWebhookEndpoints implements WebhookEndpointStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(endpoint: WebhookEndpoint, maxPerTenant: number): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: { tenantId: endpoint.tenantId, endpointId: COUNTER_ID },
                UpdateExpression: 'SET #n = if_not_exists(#n, :zero) + :one',
                ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
                ExpressionAttributeNames: { '#n': COUNT },
                ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': maxPerTenant },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: endpoint,
                ConditionExpression: 'attribute_not_exists(endpointId)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (isTransactionConditionFailure(err)) return false;
      throw err;
    }
  }

  async get(tenantId: string, endpointId: string): Promise<WebhookEndpoint | undefined> {
    if (endpointId === COUNTER_ID) return undefined;
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { tenantId, endpointId }, ConsistentRead: true }),
    );
    return Item as WebhookEndpoint | undefined;
  }

  async list(tenantId: string): Promise<WebhookEndpoint[]> {
    const out: WebhookEndpoint[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'tenantId = :t',
          ExpressionAttributeValues: { ':t': tenantId },
          ExclusiveStartKey: start,
        }),
      );
      out.push(...((page.Items ?? []) as WebhookEndpoint[]).filter((i) => i.endpointId !== COUNTER_ID));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async update(
    tenantId: string,
    endpointId: string,
    patch: EndpointPatch,
  ): Promise<WebhookEndpoint | undefined> {
    if (endpointId === COUNTER_ID) return undefined;
    const set: string[] = [];
    const remove: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      if (value === null) remove.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    if (set.length + remove.length === 0) return this.get(tenantId, endpointId);
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { tenantId, endpointId },
          UpdateExpression: [
            set.length > 0 && `SET ${set.join(', ')}`,
            remove.length > 0 && `REMOVE ${remove.join(', ')}`,
          ]
            .filter(Boolean)
            .join(' '),
          ConditionExpression: 'attribute_exists(endpointId)',
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as WebhookEndpoint;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async disable(
    tenantId: string,
    endpointId: string,
    reason: 'gone' | 'failing',
    at: number,
  ): Promise<WebhookEndpoint | undefined> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { tenantId, endpointId },
          UpdateExpression:
            'SET enabled = :no, disabledReason = :reason, disabledAt = :at REMOVE disabledNotified',
          ConditionExpression: 'attribute_exists(endpointId) AND enabled = :yes',
          ExpressionAttributeValues: { ':no': false, ':yes': true, ':reason': reason, ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as WebhookEndpoint;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async delete(tenantId: string, endpointId: string): Promise<boolean> {
    if (endpointId === COUNTER_ID) return false;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: { tenantId, endpointId },
                ConditionExpression: 'attribute_exists(endpointId)',
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: { tenantId, endpointId: COUNTER_ID },
                // A tenant whose endpoints predate the counter has none: it never goes below 0.
                UpdateExpression: 'SET #n = if_not_exists(#n, :one) - :one',
                ExpressionAttributeNames: { '#n': COUNT },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (isTransactionConditionFailure(err)) return false;
      throw err;
    }
  }
}
