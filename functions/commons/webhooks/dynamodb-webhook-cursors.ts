import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { INDEX } from '../storage/tables.ts';
import { isConditionFailure } from './dynamodb-conditions.ts';
import {
  type ClaimedCursor,
  type CursorKey,
  CursorLeaseLostError,
  type DueCursor,
  type WebhookCursorStore,
} from './webhook-ports.ts';

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
          // Our own lease too: a drain whose finish met a new nudge claims again at once (one drain
          // per cursor per process), instead of leaving the cursor until its lease expires.
          ConditionExpression:
            '(attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :me) AND (attribute_not_exists(dueAt) OR dueAt <= :now)',
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
