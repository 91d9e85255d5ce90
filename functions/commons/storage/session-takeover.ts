import { type DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadOwner } from '../domain/session-ownership.ts';
import { UNASSIGNED_HOST } from '../hosts/host-record.ts';
import { hostKey } from './host-item.ts';
import { sessionKey } from './session-item.ts';

export interface Takeover {
  readonly sessionId: string;
  readonly dead: DeadOwner;
  readonly seenEpoch: number;
  readonly hostId: string;
  readonly now: number;
}

/**
 * Sends the write that moves a session off a dead host: owner and epoch as seen,
 * epoch + 1. Off a registered host it is a transaction with a check that the
 * host's row is still as judged (the same heartbeat version, or still no
 * row), so a host that renewed meanwhile (a stalled event loop, a slow
 * heartbeat) keeps its sessions and may resume the sockets it kept.
 */
export async function sendTakeover(
  doc: DynamoDBDocumentClient,
  tables: { readonly sessions: string; readonly hosts: string },
  t: Takeover,
): Promise<void> {
  const update = {
    TableName: tables.sessions,
    Key: sessionKey(t.sessionId),
    UpdateExpression: 'SET ownerHostId = :me, epoch = epoch + :one, updatedAt = :now',
    ConditionExpression: 'ownerHostId = :dead AND epoch = :seen',
    ExpressionAttributeValues: {
      ':me': t.hostId,
      ':one': 1,
      ':now': new Date(t.now).toISOString(),
      ':dead': t.dead.hostId,
      ':seen': t.seenEpoch,
    },
  };
  if (t.dead.hostId === UNASSIGNED_HOST) await doc.send(new UpdateCommand(update));
  else
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [{ ConditionCheck: stillDead(tables.hosts, t.dead) }, { Update: update }],
      }),
    );
}

function stillDead(table: string, dead: DeadOwner) {
  const base = { TableName: table, Key: hostKey(dead.hostId) };
  if (dead.heartbeatVersion === undefined)
    return { ...base, ConditionExpression: 'attribute_not_exists(hostId)' };
  return {
    ...base,
    ConditionExpression: 'attribute_not_exists(hostId) OR heartbeatVersion = :v',
    ExpressionAttributeValues: { ':v': dead.heartbeatVersion },
  };
}
