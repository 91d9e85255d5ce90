import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AuthPointer, type Fence, FencedError } from '../domain/fence.ts';
import type { DeadOwner, OwnedSession, SessionOwnership, StatusPatch } from '../domain/session-ownership.ts';
import { decodeSessionItem, decodeSessionItems, sessionKey } from './session-item.ts';
import { sendTakeover } from './session-takeover.ts';
import { INDEX } from './tables.ts';

export type { OwnedSession, StatusPatch } from '../domain/session-ownership.ts';

const FENCE_CONDITION = 'ownerHostId = :host AND epoch = :epoch';
/** Reads of the item after a commit whose answer was lost, each after a longer pause. */
const COMMIT_READBACK_ATTEMPTS = 3;
const COMMIT_READBACK_DELAY_MS = 200;

/**
 * The sessions table in the host role (the API role is DynamoDbSessionRepository).
 * The writes a session host makes on session records. Every one after the
 * claim is conditioned on owner + epoch: a host that lost the session (fenced)
 * gets FencedError and changes nothing.
 */
export class DynamoDbSessionOwnership implements SessionOwnership {
  private readonly table: string;
  private readonly hostsTable: string;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    tables: { readonly sessions: string; readonly hosts: string },
    private readonly now: () => number = Date.now,
  ) {
    this.table = tables.sessions;
    this.hostsTable = tables.hosts;
  }

  async get(sessionId: string): Promise<OwnedSession | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: sessionKey(sessionId), ConsistentRead: true }),
    );
    return decodeSessionItem<OwnedSession>(Item);
  }

  /** Sessions assigned to this host (eventually consistent index; the claim re-checks). */
  async assignedTo(hostId: string): Promise<OwnedSession[]> {
    const out: OwnedSession[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: INDEX.sessionsByOwner,
          KeyConditionExpression: 'ownerHostId = :h',
          ExpressionAttributeValues: { ':h': hostId },
          ExclusiveStartKey: start,
        }),
      );
      out.push(...decodeSessionItems<OwnedSession>(page.Items));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async owners(): Promise<string[]> {
    const out = new Set<string>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.table,
          IndexName: INDEX.sessionsByOwner,
          ProjectionExpression: 'ownerHostId',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? [])
        if (typeof item.ownerHostId === 'string') out.add(item.ownerHostId);
      start = page.LastEvaluatedKey;
    } while (start);
    return [...out];
  }

  /**
   * Takes ownership: the epoch grows by one, so every write of an earlier
   * owner (or an earlier run of this host) fails its condition from now on.
   */
  async claim(
    sessionId: string,
    hostId: string,
    incarnation: string,
    seenEpoch: number,
  ): Promise<Fence | undefined> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: sessionKey(sessionId),
          UpdateExpression: 'SET epoch = epoch + :one, claimedBy = :inc, updatedAt = :now',
          ConditionExpression: 'ownerHostId = :host AND epoch = :seen',
          ExpressionAttributeValues: {
            ':one': 1,
            ':inc': incarnation,
            ':now': new Date(this.now()).toISOString(),
            ':host': hostId,
            ':seen': seenEpoch,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { hostId, epoch: Attributes?.epoch as number };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  /**
   * Moves a session off a host this host saw die, growing the epoch so
   * nothing the dead host still writes can land; refused too when the dead
   * host renewed since it was judged (sendTakeover).
   */
  async takeover(sessionId: string, dead: DeadOwner, seenEpoch: number, hostId: string): Promise<boolean> {
    const tables = { sessions: this.table, hosts: this.hostsTable };
    try {
      await sendTakeover(this.doc, tables, { sessionId, dead, seenEpoch, hostId, now: this.now() });
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || err instanceof TransactionCanceledException)
        return false;
      throw err;
    }
  }

  /** Hands a session to `target` (graceful handoff): epoch + 1, so this host's late writes are fenced. */
  async release(sessionId: string, fence: Fence, target: string): Promise<void> {
    await this.fenced({
      Key: sessionKey(sessionId),
      UpdateExpression: 'SET ownerHostId = :target, epoch = epoch + :one, updatedAt = :now',
      ExpressionAttributeValues: {
        ':target': target,
        ':one': 1,
        ':now': new Date(this.now()).toISOString(),
        ':host': fence.hostId,
        ':epoch': fence.epoch,
      },
    });
  }

  async writeStatus(sessionId: string, fence: Fence, patch: StatusPatch, desired?: 'STOPPED'): Promise<void> {
    const set: string[] = ['#status = :status', 'updatedAt = :now'];
    if (desired) set.push('desired = :desired');
    const remove: string[] = [];
    const values: Record<string, unknown> = {
      ':status': patch.status,
      ':now': new Date(this.now()).toISOString(),
      ':host': fence.hostId,
      ':epoch': fence.epoch,
      ...(desired && { ':desired': desired }),
    };
    const field = (name: 'statusReason' | 'qr' | 'me', value: unknown): void => {
      if (value === undefined) return;
      if (value === null) remove.push(name);
      else {
        set.push(`${name} = :${name}`);
        values[`:${name}`] = value;
      }
    };
    field('statusReason', patch.statusReason);
    field('qr', patch.qr);
    field('me', patch.me);
    if (patch.clearLogoutRequest) remove.push('logoutRequested');
    await this.fenced({
      Key: sessionKey(sessionId),
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: values,
    });
  }

  async load(sessionId: string): Promise<AuthPointer | undefined> {
    return (await this.get(sessionId))?.authPointer;
  }

  /**
   * A commit whose answer is lost may still have landed: a reset connection
   * after DynamoDB applied it, answered to us as an error (the SDK's retries
   * may be spent), or answered as a failed condition to the SDK's own retry.
   * Either way the item is read back (consistently, a few times): still our
   * fence and exactly our pointer (its journal or snapshot key names this
   * writer, epoch and version) means the commit is done. Taking it for failed
   * made Baileys roll back a decrypt whose keys were already durable, and the
   * redelivered message could no longer be decrypted (found by the chaos run).
   */
  async commit(
    sessionId: string,
    fence: Fence,
    previous: number | undefined,
    next: AuthPointer,
  ): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: sessionKey(sessionId),
          UpdateExpression: 'SET authPointer = :next',
          ConditionExpression: `${FENCE_CONDITION} AND ${
            previous === undefined ? 'attribute_not_exists(authPointer)' : 'authPointer.version = :previous'
          }`,
          ExpressionAttributeValues: {
            ':next': next,
            ':host': fence.hostId,
            ':epoch': fence.epoch,
            ...(previous !== undefined && { ':previous': previous }),
          },
        }),
      );
    } catch (err) {
      if (await this.landed(sessionId, fence, next)) return;
      if (err instanceof ConditionalCheckFailedException)
        throw new FencedError(`write for ${sessionId} refused: owner or epoch changed`, { cause: err });
      throw err;
    }
  }

  /** Whether the stored item holds `next` under `fence`; false when it cannot be read either. */
  private async landed(sessionId: string, fence: Fence, next: AuthPointer): Promise<boolean> {
    for (let attempt = 1; attempt <= COMMIT_READBACK_ATTEMPTS; attempt++) {
      try {
        const item = await this.get(sessionId);
        return (
          item?.ownerHostId === fence.hostId &&
          item.epoch === fence.epoch &&
          samePointer(item.authPointer, next)
        );
      } catch {
        if (attempt < COMMIT_READBACK_ATTEMPTS)
          await new Promise((resolve) => setTimeout(resolve, COMMIT_READBACK_DELAY_MS * attempt));
      }
    }
    return false;
  }

  async clear(sessionId: string, fence: Fence): Promise<void> {
    await this.fenced({
      Key: sessionKey(sessionId),
      UpdateExpression: 'REMOVE authPointer',
      ExpressionAttributeValues: { ':host': fence.hostId, ':epoch': fence.epoch },
    });
  }

  private async fenced(input: {
    Key: Record<string, unknown>;
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  }): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({ TableName: this.table, ConditionExpression: FENCE_CONDITION, ...input }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        throw new FencedError(`write for ${String(input.Key.sessionId)} refused: owner or epoch changed`, {
          cause: err,
        });
      }
      throw err;
    }
  }
}

function samePointer(stored: AuthPointer | undefined, next: AuthPointer): boolean {
  return (
    stored !== undefined &&
    stored.version === next.version &&
    stored.snapshot === next.snapshot &&
    stored.journal.length === next.journal.length &&
    stored.journal.every((key, i) => key === next.journal[i])
  );
}
