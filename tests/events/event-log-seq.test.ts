import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws('seq');
});
afterAll(() => aws.destroy());

let counter = 0;
const newSessionId = (): string => `ses_seq${++counter}${Date.now().toString(36)}`;

const freshLog = (ttlSeconds = 86_400): DynamoDbEventLog =>
  new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds });

/** Every stored event item of a session, expired or not (no expiry filter: what TTL has not deleted yet). */
async function storedEvents(sessionId: string): Promise<number> {
  const page = await aws.doc.send(
    new QueryCommand({
      TableName: aws.tables.events,
      KeyConditionExpression: 'sessionId = :s AND seq > :zero',
      ExpressionAttributeValues: { ':s': sessionId, ':zero': 0 },
    }),
  );
  return page.Items?.length ?? 0;
}

/** What TTL does, on the sweeper's behalf: removes the session's expired event items. */
async function deleteExpiredEvents(sessionId: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 1_100)); // the 1 s TTL must have passed
  const page = await aws.doc.send(
    new QueryCommand({
      TableName: aws.tables.events,
      KeyConditionExpression: 'sessionId = :s AND seq > :zero',
      FilterExpression: 'expiresAt <= :now',
      ExpressionAttributeValues: { ':s': sessionId, ':zero': 0, ':now': Math.floor(Date.now() / 1000) },
    }),
  );
  for (const item of page.Items ?? []) {
    await aws.doc.send(
      new DeleteCommand({ TableName: aws.tables.events, Key: { sessionId, seq: item.seq as number } }),
    );
  }
}

describe('the event log’s seq over the life of a session', () => {
  it('continues above every seq given out after DynamoDB Local’s TTL sweeper deleted the log, from a fresh instance', async () => {
    const sessionId = newSessionId();
    const shortLived = freshLog(1);
    const given: number[] = [];
    for (let n = 1; n <= 3; n++) {
      given.push(
        (await shortLived.append({ type: 'session:message', tenantId: 'acme', sessionId, data: { n } })).seq,
      );
    }
    expect(given).toEqual([1, 2, 3]);
    // The real sweeper first: it usually removes expired items within seconds here, but it runs on
    // its own schedule (a fresh-clone CI run once waited past 30 s). Past that, delete the expired
    // items as TTL would: the point is the log being gone, not when the sweeper gets to it.
    const swept = await expect
      .poll(() => storedEvents(sessionId), { timeout: 10_000, interval: 250 })
      .toBe(0)
      .then(
        () => true,
        () => false,
      );
    if (!swept) await deleteExpiredEvents(sessionId);
    expect(await storedEvents(sessionId)).toBe(0);

    // A restarted host or a handoff: nothing in memory about this session.
    const restarted = freshLog();
    expect(await restarted.lastSeq(sessionId)).toBe(3);
    const next = await restarted.append({ type: 'session:status', tenantId: 'acme', sessionId, data: {} });
    expect(next.seq).toBe(4);
    expect((await restarted.after(sessionId, 0, 10)).map((e) => e.seq)).toEqual([4]);
  }, 40_000);

  it('gives two writers of one session (a handoff overlap) every seq exactly once, with no gap', async () => {
    const sessionId = newSessionId();
    const appendMany = async (log: DynamoDbEventLog, who: string): Promise<number[]> => {
      const out: number[] = [];
      for (let n = 0; n < 10; n++) {
        const e = await log.append({
          type: 'session:message',
          tenantId: 'acme',
          sessionId,
          data: { who, n },
        });
        out.push(e.seq);
      }
      return out;
    };
    const seqs = (await Promise.all([appendMany(freshLog(), 'a'), appendMany(freshLog(), 'b')])).flat();
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await freshLog().lastSeq(sessionId)).toBe(20);
  });

  it('appends an event id once even from a fresh instance, and keeps counting after it', async () => {
    const sessionId = newSessionId();
    const event = {
      type: 'session:message' as const,
      tenantId: 'acme',
      sessionId,
      eventId: 'msg-1',
      data: {},
    };
    const first = await freshLog().append(event);
    const again = await freshLog().append(event);
    expect(again).toEqual(first);
    const next = await freshLog().append({ ...event, eventId: 'msg-2' });
    expect(next.seq).toBe(first.seq + 1);
  });

  it('gives a retired (deleted) session’s counter the log’s expiry, and keeps counting until then', async () => {
    const sessionId = newSessionId();
    const log = freshLog(600);
    await log.append({ type: 'session:status', tenantId: 'acme', sessionId, data: {} });
    const counterExpiry = async () =>
      (await aws.doc.send(new GetCommand({ TableName: aws.tables.events, Key: { sessionId, seq: 0 } }))).Item
        ?.expiresAt as number | undefined;
    expect(await counterExpiry()).toBeUndefined();
    const before = Math.floor(Date.now() / 1000);
    await log.retire(sessionId);
    const expiry = await counterExpiry();
    expect(expiry).toBeGreaterThanOrEqual(before + 600);
    expect(expiry).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600);
    // A host still draining the deleted session appends after the retirement.
    expect(
      (await freshLog().append({ type: 'session:status', tenantId: 'acme', sessionId, data: {} })).seq,
    ).toBe(2);
    await expect(log.retire(newSessionId())).resolves.toBeUndefined();
  });
});
