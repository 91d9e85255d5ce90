import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import type { TestAws } from '../support/aws.ts';
import type { FakeProcess } from '../support/fake-whatsapp/fake-process.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One session for a running host process, linked as `phone` (a user the fake creates here) and CONNECTED. */
export async function linkOneSession(options: {
  readonly aws: TestAws;
  readonly fake: FakeProcess;
  readonly hostId: string;
  readonly phone: string;
}): Promise<string> {
  const { aws, fake, phone } = options;
  const sessionId = `ses_latency${Date.now().toString(36)}`;
  const now = new Date().toISOString();
  await fake.control('POST', '/users', { pn: phone, name: 'Host' });
  await aws.doc.send(
    new PutCommand({
      TableName: aws.tables.sessions,
      Item: {
        sessionId,
        tenantId: 'bench',
        createdAt: now,
        updatedAt: now,
        createdKey: `${now}#${sessionId}`,
        desired: 'RUNNING',
        status: 'STOPPED',
        ownerHostId: options.hostId,
        epoch: 0,
      },
    }),
  );
  const events = new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds: 3600 });
  const ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
  for (;;) {
    const qr = (await events.after(sessionId, 0, 50)).filter((e) => e.type === 'qr').at(-1);
    if (qr) {
      const scanned = await fake.control('POST', '/scan', { qr: qr.data.qr, phone }).then(
        () => true,
        (err: Error) => {
          if (!/unknown QR ref/.test(err.message)) throw err;
          return false;
        },
      );
      if (scanned) break;
    }
    await sleep(200);
  }
  while ((await ownership.get(sessionId))?.status !== 'CONNECTED') await sleep(200);
  return sessionId;
}
