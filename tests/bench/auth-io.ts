/**
 * `npm run bench -- auth-io [--messages N]`: what one session's auth state
 * costs in storage: S3 PUTs and DynamoDB pointer writes per incoming and per
 * outgoing message, and the bytes stored per linked session. Baseline in the
 * same run: the key-store commits Baileys itself asks for (one per
 * transaction), which any durable store has to make. JSON on the last line.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { HostHarness } from '../session-host/host-harness.ts';
import { benchArgs, withEmbeddedAws } from './bench-support.ts';

const args = benchArgs('auth-io', { messages: 50 });

await withEmbeddedAws(async () => {
  const messages = args.messages;
  const h = await HostHarness.create();
  try {
    const { host } = await h.startHost();
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Bench' });
    const device = await h.link(sessionId);
    const session = host.session(sessionId);
    if (!session) throw new Error('session not running');
    // Warm up one exchange so Signal sessions exist both ways.
    await h.fake.sendText(contact.pn, device.pn, 'warm-up');
    await h.waitForEvent(sessionId, (e) => e.data.text === 'warm-up');
    await session.sendText(contact.pn, 'warm-up reply', '3EB0BEFF000000000000');
    await h.fake.waitForMessage(contact.pn, (m) => m.text === 'warm-up reply', 60_000);
    await new Promise((r) => setTimeout(r, 500));

    const snapshot = () => ({ ...session.authStats });
    const before = snapshot();
    for (let i = 0; i < messages; i++) {
      await h.fake.sendText(contact.pn, device.pn, `in ${i}`);
      await h.waitForEvent(sessionId, (e) => e.data.text === `in ${i}`);
    }
    await new Promise((r) => setTimeout(r, 500));
    const afterIn = snapshot();
    for (let i = 0; i < messages; i++) {
      await session.sendText(contact.pn, `out ${i}`, `3EB0BE${String(i).padStart(14, '0')}`);
      await h.fake.waitForMessage(contact.pn, (m) => m.text === `out ${i}`, 60_000);
    }
    await new Promise((r) => setTimeout(r, 500));
    const afterOut = snapshot();

    let bytes = 0;
    let objects = 0;
    let token: string | undefined;
    do {
      const page = await h.aws.s3.send(
        new ListObjectsV2Command({
          Bucket: h.aws.bucket,
          Prefix: `auth/acme/${sessionId}/`,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) {
        bytes += o.Size ?? 0;
        objects++;
      }
      token = page.NextContinuationToken;
    } while (token);

    const per = (a: number, b: number) => Math.round(((a - b) / messages) * 100) / 100;
    console.log(
      JSON.stringify({
        messages,
        s3PutsPerIncoming: per(afterIn.puts, before.puts),
        pointerWritesPerIncoming: per(afterIn.pointerWrites, before.pointerWrites),
        s3PutsPerOutgoing: per(afterOut.puts, afterIn.puts),
        pointerWritesPerOutgoing: per(afterOut.pointerWrites, afterIn.pointerWrites),
        bytesWrittenPerIncoming: per(afterIn.bytesWritten, before.bytesWritten),
        bytesWrittenPerOutgoing: per(afterOut.bytesWritten, afterIn.bytesWritten),
        bytesStoredPerSession: bytes,
        objectsStoredPerSession: objects,
        baseline: { keyStoreCommitsPerIncoming: per(afterIn.pointerWrites, before.pointerWrites) },
      }),
    );
  } finally {
    await h.dispose();
  }
});
