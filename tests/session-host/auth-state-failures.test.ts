import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { s3ClientConfig } from '#commons/aws/client-config.ts';
import { startToggleProxy, type ToggleProxy } from '../support/toggle-proxy.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

let h: HostHarness;
let proxy: ToggleProxy | undefined;
let s3: S3Client | undefined;
beforeEach(async () => {
  h = await HostHarness.create();
});
afterEach(async () => {
  await h.dispose();
  await proxy?.close();
  s3?.destroy();
  proxy = undefined;
  s3 = undefined;
});

async function update(sessionId: string, expression: string, values: Record<string, unknown> = {}) {
  await h.aws.doc.send(
    new UpdateCommand({
      TableName: h.aws.tables.sessions,
      Key: { sessionId },
      UpdateExpression: expression,
      ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
    }),
  );
}

describe('session host when auth state storage misbehaves', () => {
  it('reports a corrupted auth object as FAILED with AUTH_STATE_CORRUPTED; logout then start links again with a new QR', async () => {
    const first = await h.startHost();
    const sessionId = await h.createSession();
    await h.link(sessionId);
    await h.stopHost(first);
    const pointer = (await h.record(sessionId))?.authPointer;
    const victim = pointer?.journal.at(-1) ?? pointer?.snapshot;
    expect(victim).toBeDefined();
    await h.aws.s3.send(
      new PutObjectCommand({
        Bucket: h.aws.bucket,
        Key: `auth/acme/${sessionId}/${victim}`,
        Body: '{"creds":{"regis',
      }),
    );
    const qrsBefore = (await h.eventsOf(sessionId)).filter((e) => e.type === 'qr').length;

    const { host, rounds } = await h.startHost();
    const failed = await h.waitForRecord(sessionId, (r) => r.status === 'FAILED', 'FAILED');
    expect(failed.statusReason).toMatchObject({
      code: 'AUTH_STATE_CORRUPTED',
      action: expect.stringContaining('logout'),
    });
    expect(failed.desired).toBe('STOPPED');
    await h.waitForEvent(
      sessionId,
      (e) => e.type === 'session:error' && e.data.code === 'AUTH_STATE_CORRUPTED',
    );
    // No crash loop and no silent new QR over the linked device, for several reconcile rounds
    // that each saw the FAILED record (a negative: wait for the rounds, not for a time).
    await rounds.after(4);
    expect((await h.eventsOf(sessionId)).filter((e) => e.type === 'qr')).toHaveLength(qrsBefore);

    await update(sessionId, 'SET logoutRequested = :t', { ':t': true });
    await host.reconcileSession(sessionId);
    await h.waitForStatus(sessionId, 'LOGGED_OUT');
    const listed = await h.aws.s3.send(
      new ListObjectsV2Command({ Bucket: h.aws.bucket, Prefix: `auth/acme/${sessionId}/` }),
    );
    expect(listed.Contents ?? []).toEqual([]);

    const lastSeqBefore = Math.max(...(await h.eventsOf(sessionId)).map((e) => e.seq));
    await update(sessionId, 'SET desired = :r', { ':r': 'RUNNING' });
    await host.reconcileSession(sessionId);
    const fresh = await h.waitForEvent(sessionId, (e) => e.type === 'qr' && e.seq > lastSeqBefore);
    await h.fake.scanQr(fresh.data.qr as string);
    await h.waitForStatus(sessionId, 'CONNECTED');
  });

  it('makes an S3 outage visible and loses neither keys nor the message it interrupted: after S3 returns, messages decrypt both ways', async () => {
    proxy = await startToggleProxy(new URL(h.aws.storage.s3Endpoint as string));
    s3 = new S3Client({ ...s3ClientConfig({ region: 'us-east-1', endpoint: proxy.url }), maxAttempts: 1 });
    const running = await h.startHost('host-1', { s3 });
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Carol' });
    const device = await h.link(sessionId);
    await h.fake.sendText(contact.pn, device.pn, 'before the outage');
    await h.waitForEvent(sessionId, (e) => e.data.text === 'before the outage');
    const pointerBefore = (await h.record(sessionId))?.authPointer?.version as number;

    proxy.down();
    await h.fake.sendText(contact.pn, device.pn, 'during the outage');
    const error = await h.waitForEvent(
      sessionId,
      (e) => e.type === 'session:error' && e.data.code === 'AUTH_STATE_WRITE_FAILED',
    );
    expect(error.data.message).toBeTypeOf('string');
    expect(running.metrics.authWriteErrors.value).toBeGreaterThan(0);
    const logged = running.logs.find((l) => l.msg === 'auth state write failed');
    expect(logged?.err).toBeDefined();
    // Baileys' own line for the key transaction it rolled back names the session it belongs to.
    const rolledBack = await waitFor(
      () => running.baileysLogs.find((l) => l.msg === 'transaction failed, rolling back'),
      "Baileys' rollback line",
    );
    expect(rolledBack.sessionId).toBe(sessionId);
    // Nothing was rolled back while S3 was away.
    expect((await h.record(sessionId))?.authPointer?.version).toBe(pointerBefore);

    proxy.up();
    await h.fake.sendText(contact.pn, device.pn, 'after the outage');
    await h.waitForEvent(sessionId, (e) => e.data.text === 'after the outage', 20_000);
    // The message that came while S3 was away is not lost, and is logged once.
    await h.waitForEvent(sessionId, (e) => e.data.text === 'during the outage', 20_000);
    const during = (await h.eventsOf(sessionId)).filter((e) => e.data.text === 'during the outage');
    expect(during).toHaveLength(1);
    await running.host
      .session(sessionId)
      ?.sendText(contact.pn, 'reply after the outage', '3EB0FEEDFACE00000001');
    const reply = await h.fake.waitForMessage(contact.pn, (m) => m.text === 'reply after the outage');
    expect(reply.id).toBe('3EB0FEEDFACE00000001');
    expect((await h.record(sessionId))?.authPointer?.version).toBeGreaterThan(pointerBefore);
  });

  it('never puts a message on the wire before its keys are durable: during an S3 outage the send fails and nothing reaches the contact', async () => {
    proxy = await startToggleProxy(new URL(h.aws.storage.s3Endpoint as string));
    s3 = new S3Client({ ...s3ClientConfig({ region: 'us-east-1', endpoint: proxy.url }), maxAttempts: 1 });
    const running = await h.startHost('host-1', { s3 });
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Erin' });
    const device = await h.link(sessionId);
    const session = running.host.session(sessionId);
    await session?.sendText(contact.pn, 'before the outage', '3EB0C0DE000000000001');
    await h.fake.waitForMessage(contact.pn, (m) => m.text === 'before the outage');

    proxy.down();
    // Its ratchet step could not be made durable: had it left, a successor would re-use keys the contact consumed.
    await expect(
      session?.sendText(contact.pn, 'during the outage', '3EB0C0DE000000000002'),
    ).rejects.toThrow();
    expect(running.metrics.uncommittedFrames.value).toBeGreaterThan(0);

    proxy.up();
    await h.waitForStatus(sessionId, 'CONNECTED');
    await waitFor(async () => session?.isConnected || undefined, 'the session to connect again');
    await session?.sendText(contact.pn, 'after the outage', '3EB0C0DE000000000003');
    await h.fake.waitForMessage(contact.pn, (m) => m.text === 'after the outage', 20_000);
    expect(h.fake.inbox(contact.pn).map((m) => m.text)).toEqual(['before the outage', 'after the outage']);
    // The keys went on from the durable state: the contact's answer decrypts.
    await h.fake.sendText(contact.pn, device.pn, 'answer after the outage');
    await h.waitForEvent(sessionId, (e) => e.data.text === 'answer after the outage', 20_000);
  });
});
