import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type SessionRecord, tenantNameKey } from '../domain/session-record.ts';
import type {
  ControlPatch,
  MarkDeletingResult,
  SessionCursor,
  SessionListQuery,
  SessionPage,
  SessionRepository,
  UpdateResult,
} from '../domain/session-repository.ts';
import { LOGGED_OUT_BY_REQUEST } from '../domain/session-status.ts';
import { QuotaExceededError, SessionNameTakenError, SessionNotFoundError } from '../errors/app-errors.ts';
import { DELETING_OWNER } from '../hosts/host-record.ts';
import { decodeSessionItem, decodeSessionItems, sessionKey } from './session-item.ts';
import { INDEX } from './tables.ts';
import { countSession, failedConditionAt, pruneRunning, uncountSession } from './tenant-usage.ts';
import { type RunningMove, updateCounted } from './tenant-usage-update.ts';

export interface DynamoDbSessionRepositoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly sessionsTable: string;
  readonly sessionNamesTable: string;
  /** Where tenant usage is counted (quotas); without it nothing is counted. */
  readonly tenantsTable?: string | undefined;
}

/** Pages read before a filtered list returns a short page with a cursor. */
const MAX_QUERY_ROUNDS = 10;

/** The sessions table in the API role (the host role is DynamoDbSessionOwnership). */
export class DynamoDbSessionRepository implements SessionRepository {
  readonly #doc: DynamoDBDocumentClient;
  readonly #sessions: string;
  readonly #names: string;
  readonly #tenants: string | undefined;

  constructor(options: DynamoDbSessionRepositoryOptions) {
    this.#doc = options.client;
    this.#sessions = options.sessionsTable;
    this.#names = options.sessionNamesTable;
    this.#tenants = options.tenantsTable;
  }

  async create(record: SessionRecord, quota?: { readonly maxSessions: number }): Promise<void> {
    const putSession = {
      Put: {
        TableName: this.#sessions,
        Item: record,
        ConditionExpression: 'attribute_not_exists(sessionId)',
      },
    };
    const items: Record<string, unknown>[] = [putSession];
    const nameAt = record.name === undefined ? -1 : items.length;
    if (record.name !== undefined)
      items.push({
        Put: {
          TableName: this.#names,
          Item: { tenantName: tenantNameKey(record.tenantId, record.name), sessionId: record.sessionId },
          ConditionExpression: 'attribute_not_exists(tenantName)',
        },
      });
    const quotaAt = quota && this.#tenants ? items.length : -1;
    if (quota && this.#tenants) items.push(countSession(this.#tenants, record.tenantId, quota.maxSessions));
    try {
      await this.#doc.send(new TransactWriteCommand({ TransactItems: items as never }));
    } catch (err) {
      const failed = failedConditionAt(err);
      if (failed.includes(nameAt))
        throw new SessionNameTakenError(`a session named "${record.name}" already exists`, { cause: err });
      if (quota && failed.includes(quotaAt))
        throw new QuotaExceededError('maxSessions', quota.maxSessions, { cause: err });
      throw err;
    }
  }

  async get(sessionId: string): Promise<SessionRecord | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#sessions, Key: sessionKey(sessionId), ConsistentRead: true }),
    );
    return decodeSessionItem(Item);
  }

  async listByTenant(tenantId: string, query: SessionListQuery): Promise<SessionPage> {
    const items: SessionRecord[] = [];
    let start: Record<string, unknown> | undefined = query.cursor && {
      tenantId,
      createdKey: query.cursor.createdKey,
      sessionId: query.cursor.sessionId,
    };
    for (let round = 0; round < MAX_QUERY_ROUNDS; round++) {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#sessions,
          IndexName: INDEX.sessionsByTenant,
          KeyConditionExpression: 'tenantId = :t',
          ExpressionAttributeValues: { ':t': tenantId, ...(query.status && { ':s': query.status }) },
          ...(query.status && {
            FilterExpression: '#status = :s',
            ExpressionAttributeNames: { '#status': 'status' },
          }),
          Limit: query.limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...decodeSessionItems(page.Items));
      start = page.LastEvaluatedKey;
      if (!start) return { items };
      if (items.length >= query.limit)
        return { items, next: cursorOf(items[items.length - 1] as SessionRecord) };
    }
    const last = start ?? {};
    return { items, next: { createdKey: last.createdKey as string, sessionId: last.sessionId as string } };
  }

  async updateControl(
    sessionId: string,
    expectedOwner: string | undefined,
    patch: ControlPatch,
  ): Promise<UpdateResult> {
    const set = ['desired = :desired', 'updatedAt = :now'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':desired': patch.desired, ':now': patch.now.toISOString() };
    if (patch.ownerHostId === null) remove.push('ownerHostId');
    else if (patch.ownerHostId !== undefined) {
      set.push('ownerHostId = :owner');
      values[':owner'] = patch.ownerHostId;
    }
    if (patch.restartRequested !== undefined) {
      set.push('restartRequested = :restart');
      values[':restart'] = patch.restartRequested;
    }
    if (patch.logoutRequested !== undefined) {
      set.push('logoutRequested = :logout');
      values[':logout'] = patch.logoutRequested;
    }
    let condition = 'attribute_exists(sessionId) AND ';
    if (expectedOwner === undefined) condition += 'attribute_not_exists(ownerHostId)';
    else if (expectedOwner === DELETING_OWNER) return { ok: false, reason: 'not-found' };
    else {
      condition += 'ownerHostId = :expectedOwner';
      values[':expectedOwner'] = expectedOwner;
    }
    const input = {
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
    };
    if (!patch.running || !this.#tenants) return this.#update(sessionId, input);
    const tables = { tenants: this.#tenants, sessions: this.#sessions };
    const move: RunningMove = patch.running;
    const counted = () => updateCounted(this.#doc, tables, sessionId, input, patch.desired, move);
    const result = await counted();
    if (result !== 'quota') return result;
    // Refused: repair members a host stopped without telling this item, then try once more.
    if ((await pruneRunning(this.#doc, tables, move.tenantId)) > 0) {
      const retried = await counted();
      if (retried !== 'quota') return retried;
    }
    throw new QuotaExceededError('maxRunningSessions', patch.running.maxRunning);
  }

  async markLoggedOut(session: SessionRecord, now: Date): Promise<UpdateResult> {
    const values: Record<string, unknown> = {
      ':status': 'LOGGED_OUT',
      ':reason': LOGGED_OUT_BY_REQUEST,
      ':stopped': 'STOPPED',
      ':now': now.toISOString(),
      ':epoch': session.epoch,
    };
    let condition = 'attribute_exists(sessionId) AND epoch = :epoch AND ';
    if (session.ownerHostId === undefined) condition += 'attribute_not_exists(ownerHostId)';
    else {
      condition += 'ownerHostId = :owner';
      values[':owner'] = session.ownerHostId;
    }
    return this.#update(session.sessionId, {
      UpdateExpression:
        'SET #status = :status, statusReason = :reason, desired = :stopped, updatedAt = :now REMOVE qr, me, logoutRequested, authPointer',
      ConditionExpression: condition,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: values,
    });
  }

  async markDeleting(session: SessionRecord, now: Date): Promise<MarkDeletingResult> {
    const stored = session as SessionRecord & { deletingFrom?: string };
    const formerOwner = session.ownerHostId === DELETING_OWNER ? stored.deletingFrom : session.ownerHostId;
    const values: Record<string, unknown> = {
      ':deleting': DELETING_OWNER,
      ':one': 1,
      ':stopped': 'STOPPED',
      ':now': now.toISOString(),
      ':seen': session.epoch,
    };
    const set = [
      'ownerHostId = :deleting',
      'epoch = epoch + :one',
      'desired = :stopped',
      'updatedAt = :now',
      'deletingSince = if_not_exists(deletingSince, :now)',
    ];
    if (formerOwner !== undefined) {
      set.push('deletingFrom = if_not_exists(deletingFrom, :former)');
      values[':former'] = formerOwner;
    }
    const result = await this.#update(session.sessionId, {
      UpdateExpression: `SET ${set.join(', ')} REMOVE qr, restartRequested, logoutRequested`,
      ConditionExpression: 'attribute_exists(sessionId) AND epoch = :seen',
      ExpressionAttributeValues: values,
    });
    if (!result.ok) return result;
    const deletingFrom = (result.record as SessionRecord & { deletingFrom?: string }).deletingFrom;
    return { ok: true, record: result.record, formerOwner: deletingFrom };
  }

  async delete(session: SessionRecord): Promise<void> {
    const deleteSession = {
      Delete: {
        TableName: this.#sessions,
        Key: sessionKey(session.sessionId),
        ConditionExpression: 'ownerHostId = :deleting',
        ExpressionAttributeValues: { ':deleting': DELETING_OWNER },
      },
    };
    const items: Record<string, unknown>[] = [deleteSession];
    if (session.name !== undefined)
      items.push({
        Delete: {
          TableName: this.#names,
          Key: { tenantName: tenantNameKey(session.tenantId, session.name) },
        },
      });
    if (this.#tenants) items.push(uncountSession(this.#tenants, session.tenantId, session.sessionId));
    try {
      await this.#doc.send(new TransactWriteCommand({ TransactItems: items as never }));
    } catch (err) {
      if (err instanceof TransactionCanceledException) throw new SessionNotFoundError({ cause: err });
      throw err;
    }
  }

  async #update(
    sessionId: string,
    input: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeValues: Record<string, unknown>;
      ExpressionAttributeNames?: Record<string, string>;
    },
  ): Promise<UpdateResult> {
    try {
      const { Attributes } = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#sessions,
          Key: sessionKey(sessionId),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...input,
        }),
      );
      return { ok: true, record: decodeSessionItem(Attributes) as SessionRecord };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        return { ok: false, reason: err.Item ? 'conflict' : 'not-found' };
      }
      throw err;
    }
  }
}

function cursorOf(record: SessionRecord): SessionCursor {
  return { createdKey: record.createdKey, sessionId: record.sessionId };
}
