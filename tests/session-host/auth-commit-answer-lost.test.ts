/**
 * A pointer commit whose first attempt lands but whose answer is lost (a
 * connection reset; the SDK retries) must count as done: its retry fails the
 * version condition against its own write. Found by the chaos run (seed 20):
 * treated as fenced, Baileys rolled back a transaction whose keys were already
 * durable, and the redelivered message could no longer be decrypted.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '#commons/aws/client-config.ts';
import { createDocumentClient } from '#commons/aws/document-client.ts';
import { type AuthPointer, FencedError } from '#commons/domain/fence.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

let aws: TestAws;
let ownership: DynamoDbSessionOwnership;
beforeAll(async () => {
  aws = await createTestAws('lostans');
  ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
});
const clients: DynamoDBClient[] = [];
afterAll(() => {
  for (const c of clients) c.destroy();
  aws?.destroy();
});

let n = 0;
async function owned() {
  const sessionId = `ses_lost${++n}`;
  await aws.doc.send(
    new PutCommand({
      TableName: aws.tables.sessions,
      Item: {
        sessionId,
        tenantId: 'acme',
        ownerHostId: 'host-a',
        epoch: 0,
        desired: 'RUNNING',
        status: 'STARTING',
      },
    }),
  );
  const fence = await ownership.claim(sessionId, 'host-a', 'inc-1', 0);
  if (!fence) throw new Error('claim failed');
  return { sessionId, fence };
}

/**
 * An ownership adapter whose DynamoDB client fails the first UpdateItem with a
 * reset: after DynamoDB applied it (default), or before it was sent
 * (`applied: false`). With `maxAttempts: 1` the SDK does not retry (as when
 * its retry quota is spent).
 */
function losingFirstAnswer(options: { applied?: boolean; maxAttempts?: number } = {}): {
  ownership: DynamoDbSessionOwnership;
  lost: () => number;
} {
  const client = new DynamoDBClient({
    ...awsClientConfig({ region: aws.storage.region, endpoint: aws.storage.dynamodbEndpoint }),
    ...(options.maxAttempts && { maxAttempts: options.maxAttempts }),
  });
  let lost = 0;
  const reset = () =>
    Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', name: 'Error', $metadata: {} });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const first = context.commandName === 'UpdateItemCommand' && lost === 0;
      if (first) lost += 1;
      if (first && options.applied === false) throw reset();
      const result = await next(args);
      if (first) throw reset();
      return result;
    },
    { step: 'deserialize', name: 'loseFirstAnswer' },
  );
  clients.push(client);
  return {
    ownership: new DynamoDbSessionOwnership(createDocumentClient(client), aws.tables),
    lost: () => lost,
  };
}

const pointer = (version: number, key: string): AuthPointer => ({
  version,
  journal: [key],
  journalBytes: 10,
});

describe('an auth pointer commit whose answer was lost', () => {
  it('is done when its retry finds its own pointer under its own fence', async () => {
    const s = await owned();
    await ownership.commit(s.sessionId, s.fence, undefined, pointer(1, 'journal/1-1-w1.json'));
    const losing = losingFirstAnswer();
    const next = pointer(2, 'journal/1-2-w1.json');
    await losing.ownership.commit(s.sessionId, s.fence, 1, next);
    expect(losing.lost()).toBe(1);
    expect(await ownership.load(s.sessionId)).toEqual(next);
  });

  it('is done when it landed and the SDK did not retry (its retry quota spent)', async () => {
    const s = await owned();
    await ownership.commit(s.sessionId, s.fence, undefined, pointer(1, 'journal/1-1-w1.json'));
    const losing = losingFirstAnswer({ maxAttempts: 1 });
    const next = pointer(2, 'journal/1-2-w1.json');
    await losing.ownership.commit(s.sessionId, s.fence, 1, next);
    expect(await ownership.load(s.sessionId)).toEqual(next);
  });

  it('fails with the network error when it did not land', async () => {
    const s = await owned();
    const first = pointer(1, 'journal/1-1-w1.json');
    await ownership.commit(s.sessionId, s.fence, undefined, first);
    const losing = losingFirstAnswer({ maxAttempts: 1, applied: false });
    await expect(
      losing.ownership.commit(s.sessionId, s.fence, 1, pointer(2, 'journal/1-2-w1.json')),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(await ownership.load(s.sessionId)).toEqual(first);
  });

  it('is still fenced when another writer holds that version', async () => {
    const s = await owned();
    await ownership.commit(s.sessionId, s.fence, undefined, pointer(1, 'journal/1-1-w1.json'));
    await ownership.commit(s.sessionId, s.fence, 1, pointer(2, 'journal/1-2-OTHER.json'));
    await expect(
      ownership.commit(s.sessionId, s.fence, 1, pointer(2, 'journal/1-2-w1.json')),
    ).rejects.toBeInstanceOf(FencedError);
  });

  it('is still fenced when the session moved to another epoch, even with its pointer stored', async () => {
    const s = await owned();
    const mine = pointer(1, 'journal/1-1-w1.json');
    await ownership.commit(s.sessionId, s.fence, undefined, mine);
    expect(await ownership.takeover(s.sessionId, { hostId: 'host-a' }, s.fence.epoch, 'host-b')).toBe(true);
    await expect(ownership.commit(s.sessionId, s.fence, undefined, mine)).rejects.toBeInstanceOf(FencedError);
  });
});
