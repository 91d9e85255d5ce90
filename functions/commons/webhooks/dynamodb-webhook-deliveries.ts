import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './dynamodb-conditions.ts';
import type { AttemptRecord, DeliveryRecord, DeliveryStatus, WebhookDeliveryLog } from './webhook-ports.ts';

const deliveryKey = (sessionId: string, seq: number): string =>
  `${sessionId}#${String(seq).padStart(12, '0')}`;
const MAX_ATTEMPTS_KEPT = 20;
/** Query pages one listing may read: a status filter over 14 days of deliveries must not scan them all in one request. */
export const MAX_LIST_PAGES_READ = 5;

/** Deliveries: PK endpointId, SK `{sessionId}#{seq:012}`, attempts appended, TTL expiresAt. */
export class DynamoDbWebhookDeliveries implements WebhookDeliveryLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  async recordAttempt(
    delivery: Omit<DeliveryRecord, 'attempts' | 'updatedAt'>,
    attempt: AttemptRecord,
    retentionSeconds: number,
  ): Promise<void> {
    const now = this.now();
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { endpointId: delivery.endpointId, deliveryKey: deliveryKey(delivery.sessionId, delivery.seq) },
        UpdateExpression:
          'SET sessionId = :s, seq = :seq, eventId = :id, #type = :type, #status = :status, updatedAt = :at, expiresAt = :exp, attempts = list_append(if_not_exists(attempts, :empty), :attempt)' +
          (delivery.nextAttemptAt ? ', nextAttemptAt = :next' : ' REMOVE nextAttemptAt'),
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
        ExpressionAttributeValues: {
          ':s': delivery.sessionId,
          ':seq': delivery.seq,
          ':id': delivery.eventId,
          ':type': delivery.type,
          ':status': delivery.status,
          ':at': new Date(now).toISOString(),
          ':exp': Math.floor(now / 1000) + retentionSeconds,
          ':empty': [],
          ':attempt': [attempt],
          ...(delivery.nextAttemptAt && { ':next': delivery.nextAttemptAt }),
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const attempts = (Attributes?.attempts as unknown[] | undefined)?.length ?? 0;
    if (attempts > MAX_ATTEMPTS_KEPT) {
      // Replays can attempt a delivery again and again: keep its newest attempts only.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: {
            endpointId: delivery.endpointId,
            deliveryKey: deliveryKey(delivery.sessionId, delivery.seq),
          },
          UpdateExpression: 'REMOVE attempts[0]',
        }),
      );
    }
  }

  async list(
    endpointId: string,
    options: { status?: DeliveryStatus | undefined; limit: number; after?: string | undefined },
  ): Promise<{ deliveries: DeliveryRecord[]; next?: string | undefined }> {
    const out: DeliveryRecord[] = [];
    let start: Record<string, unknown> | undefined = options.after
      ? { endpointId, deliveryKey: options.after }
      : undefined;
    let pages = 0;
    do {
      pages += 1;
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'endpointId = :e',
          FilterExpression: options.status ? '#status = :status AND expiresAt > :now' : 'expiresAt > :now',
          ExpressionAttributeNames: options.status ? { '#status': 'status' } : undefined,
          ExpressionAttributeValues: {
            ':e': endpointId,
            ':now': Math.floor(this.now() / 1000),
            ...(options.status && { ':status': options.status }),
          },
          ExclusiveStartKey: start,
          Limit: 200,
        }),
      );
      for (const item of page.Items ?? []) {
        if (out.length < options.limit) out.push(toDelivery(item));
      }
      start = page.LastEvaluatedKey;
      if (out.length >= options.limit) break;
    } while (start && pages < MAX_LIST_PAGES_READ);
    const last = out.at(-1);
    if (out.length >= options.limit && last !== undefined) {
      return { deliveries: out, next: deliveryKey(last.sessionId, last.seq) };
    }
    // Stopped at the page budget with the partition not exhausted: continue after what was read.
    const readUpTo = start?.deliveryKey;
    return { deliveries: out, ...(typeof readUpTo === 'string' && { next: readUpTo }) };
  }

  async get(endpointId: string, sessionId: string, seq: number): Promise<DeliveryRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { endpointId, deliveryKey: deliveryKey(sessionId, seq) },
      }),
    );
    return Item ? toDelivery(Item) : undefined;
  }

  async deadLetters(endpointId: string, sessionId?: string): Promise<DeliveryRecord[]> {
    const out: DeliveryRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: sessionId
            ? 'endpointId = :e AND begins_with(deliveryKey, :s)'
            : 'endpointId = :e',
          FilterExpression: '#status = :dead AND expiresAt > :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':e': endpointId,
            ':dead': 'dead',
            ':now': Math.floor(this.now() / 1000),
            ...(sessionId && { ':s': `${sessionId}#` }),
          },
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(page.Items ?? []).map(toDelivery));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async setStatus(endpointId: string, sessionId: string, seq: number, status: DeliveryStatus): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: { endpointId, deliveryKey: deliveryKey(sessionId, seq) },
          UpdateExpression: 'SET #status = :status',
          ConditionExpression: 'attribute_exists(deliveryKey)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status },
        }),
      )
      .catch((err: unknown) => {
        if (!isConditionFailure(err)) throw err;
      });
  }
}

function toDelivery(item: Record<string, unknown>): DeliveryRecord {
  return {
    endpointId: item.endpointId as string,
    sessionId: item.sessionId as string,
    seq: item.seq as number,
    eventId: item.eventId as string,
    type: item.type as string,
    status: item.status as DeliveryStatus,
    attempts: (item.attempts ?? []) as AttemptRecord[],
    updatedAt: item.updatedAt as string,
    ...(typeof item.nextAttemptAt === 'string' && { nextAttemptAt: item.nextAttemptAt }),
  };
}
