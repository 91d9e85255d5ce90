import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuthPointer } from '#commons/domain/fence.ts';
import { DynamoDbSessionOwnership } from '#commons/storage/dynamodb-session-ownership.ts';
import type { WsHarness } from '../events/ws-harness.ts';
import type { TestWsClient } from '../support/ws-test-client.ts';
import { percentile } from './bench-support.ts';

export interface DurableFloor {
  readonly journalBytes: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly parts: Record<'s3PutMs' | 'pointerWriteMs' | 'appendMs' | 'postMs', number>;
}

/**
 * The writes a message cannot skip, timed one after another with the same
 * clients against the same emulators: the key commit's S3 PUT (the median size
 * of the journal objects the host wrote for `sessionId`) and its conditional
 * pointer write (the host's current pointer, on a row of its own), a message
 * event's append (with its once-only marker), and one PostToConnection until
 * `client` has it. Reports p50/p99 of the sums and the median of each part.
 */
export async function measureDurableFloor(options: {
  readonly h: WsHarness;
  readonly client: TestWsClient;
  readonly tenantId: string;
  readonly sessionId: string;
  readonly count: number;
}): Promise<DurableFloor> {
  const { h, client, tenantId, sessionId } = options;
  const aws = h.aws;
  const listed = await aws.s3.send(
    new ListObjectsV2Command({ Bucket: aws.bucket, Prefix: `auth/${tenantId}/${sessionId}/` }),
  );
  // Whatever the per-transaction objects are called, they are what is not a snapshot.
  const sizes = (listed.Contents ?? [])
    .filter((o) => !o.Key?.includes('/snapshots/'))
    .map((o) => o.Size ?? 0);
  const journalBytes = Math.round(percentile(sizes, 50));
  const ownership = new DynamoDbSessionOwnership(aws.doc, aws.tables);
  const pointer = (await ownership.get(sessionId))?.authPointer as AuthPointer;
  const floorSession = `${sessionId}_floor`;
  const fence = { hostId: 'floor-host', epoch: 1 };
  await aws.doc.send(
    new PutCommand({
      TableName: aws.tables.sessions,
      Item: {
        sessionId: floorSession,
        tenantId,
        ownerHostId: fence.hostId,
        epoch: fence.epoch,
        status: 'CONNECTED',
      },
    }),
  );
  // The connection id of our subscribed client, as the gateway knows it.
  const [subscriber] = await h.connections.subscribers(sessionId);
  const connectionId = subscriber?.connectionId as string;
  const body = Buffer.alloc(journalBytes, 'k');
  const parts = {
    s3PutMs: [] as number[],
    pointerWriteMs: [] as number[],
    appendMs: [] as number[],
    postMs: [] as number[],
  };
  const sums: number[] = [];
  let previous: number | undefined;
  for (let i = 0; i < options.count; i++) {
    const t0 = performance.now();
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: aws.bucket,
        Key: `auth/${tenantId}/${floorSession}/journal/${i}.json`,
        Body: body,
      }),
    );
    const t1 = performance.now();
    const next = { ...pointer, version: (previous ?? 0) + 1 };
    await ownership.commit(floorSession, fence, previous, next);
    previous = next.version;
    const t2 = performance.now();
    await h.events.append({
      type: 'session:message',
      tenantId,
      sessionId: floorSession,
      eventId: `floor-${i}`,
      data: { text: `floor ${i}` },
    });
    const t3 = performance.now();
    const marker = `floor-post-${i}`;
    const received = client.waitFor((m) => m.floor === marker, 20_000);
    await h.management.send(
      new PostToConnectionCommand({
        ConnectionId: connectionId,
        Data: Buffer.from(JSON.stringify({ floor: marker })),
      }),
    );
    await received;
    const t4 = performance.now();
    parts.s3PutMs.push(t1 - t0);
    parts.pointerWriteMs.push(t2 - t1);
    parts.appendMs.push(t3 - t2);
    parts.postMs.push(t4 - t3);
    sums.push(t4 - t0);
  }
  return {
    journalBytes,
    p50Ms: percentile(sums, 50),
    p99Ms: percentile(sums, 99),
    parts: {
      s3PutMs: percentile(parts.s3PutMs, 50),
      pointerWriteMs: percentile(parts.pointerWriteMs, 50),
      appendMs: percentile(parts.appendMs, 50),
      postMs: percentile(parts.postMs, 50),
    },
  };
}
