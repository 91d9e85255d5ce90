import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionStatus } from '../domain/session-status.ts';
import type { HostSessionLister, OwnedSessionPage } from '../hosts/host-sessions.ts';
import { INDEX } from './tables.ts';

export interface DynamoDbHostSessionsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly sessionsTable: string;
}

/** A page of the sessions table's owner index, in session id order. */
export class DynamoDbHostSessions implements HostSessionLister {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbHostSessionsOptions) {
    this.#doc = options.client;
    this.#table = options.sessionsTable;
  }

  async listOwned(ownerHostId: string, limit: number, after?: string): Promise<OwnedSessionPage> {
    const page = await this.#doc.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: INDEX.sessionsByOwner,
        KeyConditionExpression: 'ownerHostId = :owner',
        ExpressionAttributeValues: { ':owner': ownerHostId },
        ExpressionAttributeNames: { '#name': 'name', '#status': 'status' },
        ProjectionExpression: 'sessionId, tenantId, #name, #status, desired',
        Limit: limit,
        ...(after && { ExclusiveStartKey: { ownerHostId, sessionId: after } }),
      }),
    );
    const sessions = (page.Items ?? []).map((item) => ({
      sessionId: String(item.sessionId),
      tenantId: String(item.tenantId),
      ...(typeof item.name === 'string' && { name: item.name }),
      status: item.status as SessionStatus,
      desired: String(item.desired ?? ''),
    }));
    const last = page.LastEvaluatedKey?.sessionId;
    return { sessions, ...(typeof last === 'string' && { next: last }) };
  }
}
