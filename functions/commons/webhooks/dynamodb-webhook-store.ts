import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { INDEX } from '../storage/tables.ts';
import type { WebhookEndpoint } from './webhook-endpoint.ts';
import {
  type AttemptRecord,
  type ClaimedCursor,
  type CursorKey,
  CursorLeaseLostError,
  type DeliveryRecord,
  type DeliveryStatus,
  type DueCursor,
  type EndpointPatch,
  type WebhookCursorStore,
  type WebhookDeliveryLog,
  type WebhookEndpointStore,
} from './webhook-ports.ts';

const isConditionFailure = (err: unknown): boolean =>
  (err as Error)?.name === 'ConditionalCheckFailedException';

/** Endpoints: PK tenantId, SK endpointId. */
export class DynamoDbWebhookEndpoints implements WebhookEndpointStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(endpoint: WebhookEndpoint, maxPerTenant: number): Promise<boolean> {
    // Counted before the put: two concurrent creates can pass one over the limit, never more.
    if ((await this.list(endpoint.tenantId)).length >= maxPerTenant) return false;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: endpoint,
        ConditionExpression: 'attribute_not_exists(endpointId)',
      }),
    );
    return true;
  }

  async get(tenantId: string, endpointId: string): Promise<WebhookEndpoint | undefined> {
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
      out.push(...((page.Items ?? []) as WebhookEndpoint[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async update(
    tenantId: string,
    endpointId: string,
    patch: EndpointPatch,
  ): Promise<WebhookEndpoint | undefined> {
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

  async delete(tenantId: string, endpointId: string): Promise<boolean> {
    const { Attributes } = await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: { tenantId, endpointId }, ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }
}

const DUE = 'due';

/** Cursors: PK endpointId, SK sessionId; `due` + `dueAt` (GSI byDue) while work may be pending. */
export class DynamoDbWebhookCursors implements WebhookCursorStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async markDirty(key: CursorKey, tenantId: string, now: number): Promise<void> {
    // A retry's later dueAt is kept: a new event must not hurry a failing receiver.
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression:
          'SET #due = :due, dueAt = if_not_exists(dueAt, :now), tenantId = :tenant ADD nudges :one',
        ExpressionAttributeNames: { '#due': 'due' },
        ExpressionAttributeValues: { ':due': DUE, ':now': now, ':tenant': tenantId, ':one': 1 },
      }),
    );
  }

  async claim(
    key: CursorKey,
    tenantId: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<ClaimedCursor | undefined> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression:
            'SET leaseOwner = :me, leaseUntil = :until, tenantId = if_not_exists(tenantId, :tenant), delivered = if_not_exists(delivered, :zero), failures = if_not_exists(failures, :zero), nudges = if_not_exists(nudges, :zero)',
          ConditionExpression:
            '(attribute_not_exists(leaseUntil) OR leaseUntil < :now) AND (attribute_not_exists(dueAt) OR dueAt <= :now)',
          ExpressionAttributeValues: {
            ':me': owner,
            ':until': now + leaseMs,
            ':tenant': tenantId,
            ':zero': 0,
            ':now': now,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const a = Attributes as Record<string, unknown>;
      return {
        ...key,
        tenantId: a.tenantId as string,
        delivered: a.delivered as number,
        failures: a.failures as number,
        nudges: a.nudges as number,
      };
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async advance(
    key: CursorKey,
    owner: string,
    from: number,
    to: number,
    now: number,
    leaseMs: number,
  ): Promise<void> {
    await this.owned(key, owner, {
      UpdateExpression: 'SET delivered = :to, failures = :zero, leaseUntil = :until',
      ConditionExpression: 'leaseOwner = :me AND delivered = :from',
      ExpressionAttributeValues: {
        ':to': to,
        ':zero': 0,
        ':until': now + leaseMs,
        ':me': owner,
        ':from': from,
      },
    });
  }

  async retryAt(key: CursorKey, owner: string, failures: number, dueAt: number): Promise<void> {
    await this.owned(key, owner, {
      UpdateExpression: 'SET failures = :f, dueAt = :due, #due = :d REMOVE leaseOwner, leaseUntil',
      ConditionExpression: 'leaseOwner = :me',
      ExpressionAttributeNames: { '#due': 'due' },
      ExpressionAttributeValues: { ':f': failures, ':due': dueAt, ':d': DUE, ':me': owner },
    });
  }

  async finish(key: CursorKey, owner: string, nudges: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'REMOVE #due, dueAt, leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :me AND nudges = :n',
          ExpressionAttributeNames: { '#due': 'due' },
          ExpressionAttributeValues: { ':me': owner, ':n': nudges },
        }),
      );
      return true;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return false;
    }
  }

  async release(key: CursorKey, owner: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :me',
          ExpressionAttributeValues: { ':me': owner },
        }),
      )
      .catch((err: unknown) => {
        if (!isConditionFailure(err)) throw err;
      });
  }

  async due(now: number, limit: number): Promise<DueCursor[]> {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: INDEX.webhookCursorsByDue,
        KeyConditionExpression: '#due = :d AND dueAt <= :now',
        ExpressionAttributeNames: { '#due': 'due' },
        ExpressionAttributeValues: { ':d': DUE, ':now': now },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((i) => ({
      endpointId: i.endpointId as string,
      sessionId: i.sessionId as string,
      tenantId: i.tenantId as string,
      dueAt: i.dueAt as number,
    }));
  }

  async rewind(key: CursorKey, tenantId: string, to: number, now: number): Promise<void> {
    // A replay is due at once, even if a retry was waiting; an in-flight lease finishes its attempt first.
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression:
            'SET delivered = :to, failures = :zero, #due = :d, dueAt = :now, tenantId = :tenant ADD nudges :one',
          ConditionExpression: 'attribute_not_exists(delivered) OR delivered >= :to',
          ExpressionAttributeNames: { '#due': 'due' },
          ExpressionAttributeValues: {
            ':to': to,
            ':zero': 0,
            ':d': DUE,
            ':now': now,
            ':tenant': tenantId,
            ':one': 1,
          },
        }),
      )
      .catch((err: unknown) => {
        // Already behind `to`: what the replay asks for is still to come.
        if (!isConditionFailure(err)) throw err;
      });
  }

  async sessionsOf(endpointId: string): Promise<string[]> {
    const out: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'endpointId = :e',
          ExpressionAttributeValues: { ':e': endpointId },
          ProjectionExpression: 'sessionId',
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(page.Items ?? []).map((i) => i.sessionId as string));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private async owned(
    key: CursorKey,
    _owner: string,
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>,
  ): Promise<void> {
    try {
      await this.doc.send(new UpdateCommand({ TableName: this.table, Key: key, ...input }));
    } catch (err) {
      if (isConditionFailure(err)) throw new CursorLeaseLostError('cursor lease lost', { cause: err });
      throw err;
    }
  }
}

const deliveryKey = (sessionId: string, seq: number): string =>
  `${sessionId}#${String(seq).padStart(12, '0')}`;
const MAX_ATTEMPTS_KEPT = 20;

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
    do {
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
    } while (start);
    const last = out.at(-1);
    const more = out.length >= options.limit && last !== undefined;
    return { deliveries: out, ...(more && { next: deliveryKey(last.sessionId, last.seq) }) };
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
