import { readFileSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbEventLog } from '#commons/events/dynamodb-event-log.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import type { TestAws } from '../support/aws.ts';
import type { FakeProcess } from '../support/fake-whatsapp/fake-process.ts';

/** A process's resident set in MB, from /proc (Linux). */
export function rssMbOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Links `count` sessions assigned to a running host process the way a tenant
 * would: a session row to run, its first QR from the event log scanned through
 * the fake's control API, then CONNECTED. Eight at a time.
 */
export async function linkSessions(options: {
  readonly aws: TestAws;
  readonly fake: FakeProcess;
  readonly hostId: string;
  readonly idPrefix: string;
  readonly count: number;
  readonly onLinked?: (linked: number) => void;
}): Promise<void> {
  const { aws, fake } = options;
  const ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
  const events = new DynamoDbEventLog(aws.doc, { table: aws.tables.events, ttlSeconds: 3600 });
  const ids = Array.from(
    { length: options.count },
    (_, i) => `${options.idPrefix}${String(i).padStart(5, '0')}`,
  );
  const now = new Date().toISOString();
  let next = 0;
  let linked = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const sessionId = ids[next++] as string;
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
      for (;;) {
        // The newest QR: an earlier one may have rotated out while the machine was busy.
        const qr = (await events.after(sessionId, 0, 50)).filter((e) => e.type === 'qr').at(-1);
        if (qr) {
          const scanned = await fake.control('POST', '/scan', { qr: qr.data.qr }).then(
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
      options.onLinked?.(++linked);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
