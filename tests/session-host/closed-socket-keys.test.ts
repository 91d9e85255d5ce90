/**
 * Baileys goes on decrypting the frames it had queued after its socket
 * closed. Such a message cannot be receipted, so Baileys never emits it and
 * WhatsApp delivers it again on the next connection. If the closed socket had
 * committed its ratchet step, that delivery no longer decrypts, and the
 * message is lost: Baileys nacks a delivery whose keys are spent, without a
 * retry receipt. Real host, Baileys, the fake WhatsApp and S3; the key
 * writes are paused to queue the messages.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { s3ClientConfig } from '#commons/aws/client-config.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

let h: HostHarness;
let s3: S3Client | undefined;
beforeEach(async () => {
  h = await HostHarness.create();
});
afterEach(async () => {
  await h.dispose();
  s3?.destroy();
  s3 = undefined;
});

/** A real S3 client whose object writes can be held (they go on once released). */
function pausableS3(endpoint: string) {
  const client = new S3Client(s3ClientConfig({ region: 'us-east-1', endpoint }));
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  let waiting = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (gate && context.commandName === 'PutObjectCommand') {
        waiting += 1;
        await gate;
        waiting -= 1;
      }
      return next(args);
    },
    { step: 'initialize', name: 'pauseWrites' },
  );
  return {
    client,
    pause: () => {
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    resume: () => {
      gate = undefined;
      release?.();
    },
    waiting: () => waiting,
  };
}

describe('messages Baileys decrypts after its socket closed', () => {
  it('spend no keys: each arrives once on the next connection without a retry receipt', async () => {
    const storage = pausableS3(h.aws.storage.s3Endpoint as string);
    s3 = storage.client;
    const running = await h.startHost('host-1', { s3 });
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Quinn' });
    const device = await h.link(sessionId);
    await h.fake.sendText(contact.pn, device.pn, 'warm up');
    await h.waitForEvent(sessionId, (e) => e.data.text === 'warm up');
    const retried: string[] = [];
    h.fake.events.on('message-retried', (_jid, id) => retried.push(id));

    // The first message's key commit hangs; the next two queue behind it in Baileys.
    storage.pause();
    const first = await h.fake.sendText(contact.pn, device.pn, 'first');
    await waitFor(async () => storage.waiting() > 0 || undefined, 'the first commit to reach S3');
    const queued = [
      await h.fake.sendText(contact.pn, device.pn, 'second'),
      await h.fake.sendText(contact.pn, device.pn, 'third'),
    ];
    const jid = h.fake.connections().find((c) => c.jid !== undefined)?.jid as string;
    const logged = running.logs.length;
    h.fake.dropConnection(jid);
    await waitFor(
      async () => running.logs.slice(logged).find((l) => l.msg === 'session disconnected') ?? undefined,
      'the host to see its socket close',
    );
    storage.resume();

    for (const text of ['first', 'second', 'third']) {
      await h.waitForEvent(sessionId, (e) => e.data.text === text, 30_000);
    }
    const events = await h.eventsOf(sessionId);
    for (const text of ['first', 'second', 'third']) {
      expect(events.filter((e) => e.data.text === text)).toHaveLength(1);
    }
    // The first's ratchet step was being written as the socket closed, and landed: its delivery again
    // is answered from what it decrypted to (Baileys would nack it as spent, and it would be lost).
    // The queued two were refused their keys after the close, and decrypt as delivered again.
    expect(running.metrics.decryptReplays.value).toBeGreaterThanOrEqual(1);
    expect(retried.filter((id) => [first, ...queued].includes(id))).toEqual([]);
  }, 90_000);
});
