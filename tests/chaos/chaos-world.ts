import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import type { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import { putAssignedSession } from '../support/assigned-session.ts';
import type { TestAws } from '../support/aws.ts';
import type { createFakeWhatsApp } from '../support/fake-whatsapp/server.ts';
import { waitFor } from '../support/wait-for.ts';
import type { ChaosFleet } from './chaos-fleet.ts';
import type { ChaosSession } from './chaos-traffic.ts';
import type { SessionOutcome } from './history.ts';

export interface Stores {
  readonly ownership: DynamoDbSessionOwnership;
  readonly events: DynamoDbEventLog;
}

export async function readOutcomes(
  sessions: readonly ChaosSession[],
  stores: Stores & { fleet: ChaosFleet },
): Promise<SessionOutcome[]> {
  return Promise.all(
    sessions.map(async (s) => {
      const [record, log] = await Promise.all([
        stores.ownership.get(s.sessionId),
        stores.events.after(s.sessionId, 0, 100_000),
      ]);
      return {
        sessionId: s.sessionId,
        status: record?.status ?? 'MISSING',
        ownerHostId: record?.ownerHostId ?? '',
        ownerAlive: stores.fleet.isLive(record?.ownerHostId ?? ''),
        events: log.map((e) => ({
          seq: e.seq,
          eventId: e.eventId,
          type: e.type,
          messageId: e.type === 'session:message' ? (e.data.id as string | undefined) : undefined,
          at: Date.parse(e.at),
        })),
      };
    }),
  );
}

/** Creates the sessions on the host slots in turn and links each (QR event → the fake phone scans → CONNECTED). */
export async function linkSessions(
  options: { readonly sessions: number; readonly hosts: number },
  fleet: ChaosFleet,
  deps: Stores & {
    aws: Parameters<typeof putAssignedSession>[0];
    fake: Awaited<ReturnType<typeof createFakeWhatsApp>>;
  },
): Promise<ChaosSession[]> {
  const out: ChaosSession[] = [];
  for (let i = 0; i < options.sessions; i++) {
    const host = fleet.slots[i % options.hosts];
    if (!host) throw new Error(`host slot ${i % options.hosts} is not running`);
    const sessionId = await putAssignedSession(deps.aws, host.hostId);
    const qr = await waitFor(
      async () => (await deps.events.after(sessionId, 0, 100)).find((e) => e.type === 'qr'),
      `a QR for ${sessionId}`,
      30_000,
      100,
    );
    const device = await deps.fake.scanQr(qr.data.qr as string);
    await waitFor(
      async () => (await deps.ownership.get(sessionId))?.status === 'CONNECTED',
      `${sessionId} CONNECTED`,
      30_000,
      100,
    );
    out.push({ sessionId, device, contact: deps.fake.createUser({ name: `contact ${i}` }) });
  }
  return out;
}

export async function readOutbox(aws: TestAws, sessionId: string): Promise<unknown[]> {
  const { Items } = await aws.doc.send(
    new QueryCommand({
      TableName: aws.tables.outbox,
      KeyConditionExpression: 'sessionId = :s',
      ExpressionAttributeValues: { ':s': sessionId },
    }),
  );
  return Items ?? [];
}
