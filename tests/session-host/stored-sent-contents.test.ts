/**
 * What a SENT row keeps for a resend (DynamoDB Local): the content as sent,
 * found by message id within its own session only, never on a FAILED row, a
 * row another epoch holds, or content past the size bound. And the host's
 * reader is bounded and counts what it could not read.
 */
import { proto } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_SENT_CONTENT_BYTES,
  OUTBOX_RETENTION_SECONDS,
  type QueuedMessage,
  queueKeyFor,
  type SentContents,
} from '#commons/domain/session-outbox.ts';
import { DynamoDbSendQueue } from '#commons/storage/dynamodb-send-queue.ts';
import {
  encodeSentContent,
  MAX_SENT_LOOKUPS_IN_FLIGHT,
  StoredSentContents,
} from '../../session-host/src/messaging/stored-sent-contents.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';

let aws: TestAws;
let queue: DynamoDbSendQueue;
beforeAll(async () => {
  aws = await createTestAws('sent-contents');
  queue = new DynamoDbSendQueue({ client: aws.doc, outboxTable: aws.tables.outbox });
});
afterAll(() => aws.destroy());

let n = 0;
/** A queued row marked SENDING under epoch 3, as a drain leaves it just before the socket write. */
async function sending(sessionId: string): Promise<QueuedMessage> {
  const now = new Date();
  const messageId = `3EB0STORED${String(++n).padStart(8, '0')}`;
  const row: QueuedMessage = {
    sessionId,
    idempotencyKey: `key-${n}`,
    messageId,
    tenantId: 'acme',
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + OUTBOX_RETENTION_SECONDS,
    to: '15550001111',
    text: `message ${n}`,
    queueKey: queueKeyFor(now, messageId),
    state: 'QUEUED',
  };
  expect((await queue.enqueue(row, 100, now)).kind).toBe('created');
  expect(await queue.markSending(row, 3)).toBe('marked');
  return row;
}

const text = (t: string) => encodeSentContent(proto.Message.fromObject({ extendedTextMessage: { text: t } }));

describe('the content a SENT row keeps', () => {
  it('is found by message id in its own session, and decodes to what was sent', async () => {
    const row = await sending('s-own');
    expect(await queue.markDone(row, 3, { state: 'SENT', content: text('hello') }, new Date())).toBe(
      'marked',
    );
    const bytes = await queue.findSent('s-own', row.messageId);
    expect(proto.Message.decode(bytes as Uint8Array).extendedTextMessage?.text).toBe('hello');
  });

  it('is not found from another session that names the same message id', async () => {
    const row = await sending('s-tenant-a');
    await queue.markDone(row, 3, { state: 'SENT', content: text('private') }, new Date());
    expect(await queue.findSent('s-tenant-b', row.messageId)).toBeUndefined();
  });

  it('is not kept by a mark a newer epoch fenced, nor on a FAILED row', async () => {
    const fenced = await sending('s-fenced');
    expect(await queue.markDone(fenced, 2, { state: 'SENT', content: text('old owner') }, new Date())).toBe(
      'fenced',
    );
    expect(await queue.findSent('s-fenced', fenced.messageId)).toBeUndefined();
    const failed = await sending('s-fenced');
    await queue.markDone(failed, 3, { state: 'FAILED', code: 'SEND_FAILED', message: 'no' }, new Date());
    expect(await queue.findSent('s-fenced', failed.messageId)).toBeUndefined();
  });

  it('is not kept past its size bound; the row is still marked SENT', async () => {
    const big = proto.Message.fromObject({
      extendedTextMessage: { text: 'x'.repeat(MAX_SENT_CONTENT_BYTES) },
    });
    expect(encodeSentContent(big)).toBeUndefined();
    const row = await sending('s-big');
    const oversized = new Uint8Array(MAX_SENT_CONTENT_BYTES + 1);
    expect(await queue.markDone(row, 3, { state: 'SENT', content: oversized }, new Date())).toBe('marked');
    expect(await queue.findSent('s-big', row.messageId)).toBeUndefined();
    expect(await queue.markSending(row, 3)).toBe('finished');
  });
});

describe('the host’s reader of stored content', () => {
  it('reads at most MAX_SENT_LOOKUPS_IN_FLIGHT at once and counts the ones it turned away', async () => {
    const waiting: (() => void)[] = [];
    const stalled: SentContents = {
      findSent: () => new Promise((resolve) => waiting.push(() => resolve(text('late')))),
    };
    const counts = { found: 0, failed: 0 };
    const reader = new StoredSentContents(stalled, {
      found: () => counts.found++,
      failed: () => counts.failed++,
    });
    const reads = Array.from({ length: MAX_SENT_LOOKUPS_IN_FLIGHT }, (_, i) => reader.find('s', `id-${i}`));
    expect(await reader.find('s', 'one-too-many')).toBeUndefined();
    expect(counts).toEqual({ found: 0, failed: 1 });
    for (const release of waiting) release();
    const found = await Promise.all(reads);
    expect(found.every((m) => m?.extendedTextMessage?.text === 'late')).toBe(true);
    expect(counts).toEqual({ found: MAX_SENT_LOOKUPS_IN_FLIGHT, failed: 1 });
    expect(reader.inFlight).toBe(0);
  });

  it('answers a failed read, or bytes that are not a message, with nothing and counts it', async () => {
    const counts = { found: 0, failed: 0 };
    const tally = { found: () => counts.found++, failed: () => counts.failed++ };
    const down = new StoredSentContents(
      { findSent: async () => Promise.reject(new Error('unreachable')) },
      tally,
    );
    expect(await down.find('s', 'a')).toBeUndefined();
    const garbage = new StoredSentContents(
      { findSent: async () => new Uint8Array([0xff, 0xff, 0xff]) },
      tally,
    );
    expect(await garbage.find('s', 'b')).toBeUndefined();
    const missing = new StoredSentContents({ findSent: async () => undefined }, tally);
    expect(await missing.find('s', 'c')).toBeUndefined();
    expect(counts).toEqual({ found: 0, failed: 2 });
  });
});
