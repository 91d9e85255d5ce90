/**
 * The API side of the send queue: a 202 stores the message (to, text, queue
 * position, QUEUED) before answering and nudges the owner; a full queue
 * answers 429 SEND_QUEUE_FULL with Retry-After and stores nothing.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';

let h: ApiHarness;
let token: string;
const QUEUE_LIMIT = 3;

beforeAll(async () => {
  h = await createApiHarness('send-queue', { sendQueue: { queueLimit: QUEUE_LIMIT, ratePerSecond: 0.5 } });
  token = await h.adminToken('acme');
  await h.putHost({ hostId: 'h-queue', expiresAt: 4_000_000_000 });
});
afterAll(() => h.destroy());
beforeEach(() => {
  h.hostClient.calls.length = 0;
});

async function runningSession(): Promise<string> {
  const id = await h.createSession(token);
  expect((await h.request('POST', `/v1/sessions/${id}/start`, { token })).status).toBe(202);
  await h.hostWrites(id, { status: 'CONNECTED', epoch: 1 });
  h.hostClient.calls.length = 0;
  return id;
}

async function rows(sessionId: string): Promise<Record<string, unknown>[]> {
  const { Items } = await h.aws.doc.send(
    new QueryCommand({
      TableName: h.aws.tables.outbox,
      KeyConditionExpression: 'sessionId = :s',
      ExpressionAttributeValues: { ':s': sessionId },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

const send = (id: string, body: Record<string, unknown>) =>
  h.request('POST', `/v1/sessions/${id}/messages`, { token, body });

describe('POST …/messages (queued)', () => {
  it('answers 202 QUEUED with the message durably queued, sends nothing itself and nudges the owner', async () => {
    const id = await runningSession();
    const res = await send(id, { to: '4915123456789', text: 'later' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { messageId: string; status: string };
    expect(body.status).toBe('QUEUED');
    const [row] = await rows(id);
    expect(row).toMatchObject({
      messageId: body.messageId,
      to: '4915123456789',
      text: 'later',
      state: 'QUEUED',
      queueKey: expect.stringContaining(body.messageId),
    });
    expect(h.hostClient.callsOf('send')).toEqual([]);
    expect(h.hostClient.callsOf('nudge').map((c) => c.sessionId)).toEqual([id]);
  });

  it('answers a repeated key with the same message id and queues it once', async () => {
    const id = await runningSession();
    const first = (await (
      await send(id, { to: '4915123456789', text: 'once', idempotencyKey: 'k1' })
    ).json()) as {
      messageId: string;
    };
    const again = await send(id, { to: '4915123456789', text: 'once', idempotencyKey: 'k1' });
    expect(again.status).toBe(202);
    expect(((await again.json()) as { messageId: string }).messageId).toBe(first.messageId);
    expect(await rows(id)).toHaveLength(1);
  });

  it('answers 429 SEND_QUEUE_FULL with Retry-After once the queue holds its limit, storing nothing', async () => {
    const id = await runningSession();
    for (let i = 0; i < QUEUE_LIMIT; i++)
      expect((await send(id, { to: '4915123456789', text: `m${i}` })).status).toBe(202);
    const full = await send(id, { to: '4915123456789', text: 'one too many' });
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('2');
    const error = ((await full.json()) as { error: { code: string; details: Record<string, unknown> } })
      .error;
    expect(error.code).toBe('SEND_QUEUE_FULL');
    expect(error.details).toMatchObject({ limit: QUEUE_LIMIT });
    const stored = await rows(id);
    expect(stored).toHaveLength(QUEUE_LIMIT);
    expect(stored.map((r) => r.text)).not.toContain('one too many');
    // A sent message leaves the queue (the host removes its queue key): room for one more.
    const first = stored[0] as { sessionId: string; idempotencyKey: string };
    await h.aws.doc.send(
      new UpdateCommand({
        TableName: h.aws.tables.outbox,
        Key: { sessionId: first.sessionId, idempotencyKey: first.idempotencyKey },
        UpdateExpression: 'SET #state = :sent REMOVE queueKey',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sent': 'SENT' },
      }),
    );
    expect((await send(id, { to: '4915123456789', text: 'room again' })).status).toBe(202);
  });

  it('refuses a session that is not to run with 409 SESSION_NOT_CONNECTED, storing nothing', async () => {
    const id = await h.createSession(token);
    const res = await send(id, { to: '4915123456789', text: 'nobody home' });
    expect(res.status).toBe(409);
    expect(await rows(id)).toEqual([]);
  });
});
