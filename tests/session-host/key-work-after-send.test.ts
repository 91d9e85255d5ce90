/**
 * Baileys issues a privacy token to a contact after a 1:1 send, fire-and-forget:
 * its key reads and writes run after the send's key transaction ended, in that
 * transaction's async context. Left to Baileys they would go into the finished
 * transaction (never durable); CommitBeforeWire gives them one of their own.
 * This is the path the chaos runs count as `zapfleet_key_work_after_end_total`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH_BUCKET } from '#commons/storage/tables.ts';
import { restore } from '../../session-host/src/auth-state/auth-restore.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';

let h: HostHarness;
beforeEach(async () => {
  h = await HostHarness.create();
});
afterEach(async () => {
  await h.dispose();
});

/** The keys of one type in the session's auth state as S3 holds it now. */
async function durableKeys(sessionId: string, type: string): Promise<Record<string, unknown>> {
  const record = await h.record(sessionId);
  if (!record?.authPointer) return {};
  const objects = {
    s3: h.aws.s3,
    bucket: h.aws.bucket,
    prefix: AUTH_BUCKET.sessionPrefix(record.tenantId, sessionId),
  };
  return (await restore(objects, record.authPointer)).keys[type] ?? {};
}

describe('key work Baileys starts after a send’s transaction ended', () => {
  it('is committed in a transaction of its own, counted, and named in one warning', async () => {
    const running = await h.startHost();
    const sessionId = await h.createSession();
    const contact = h.fake.createUser({ name: 'Tess' });
    await h.link(sessionId);

    await running.host.session(sessionId)?.sendText(contact.pn, 'a token follows', '3EB0CC00000000000001');
    await h.fake.waitForMessage(contact.pn, (m) => m.text === 'a token follows');

    // The token's timestamp is written only by the fire-and-forget chain: durable means it was not lost.
    const token = await waitFor(
      async () => (await durableKeys(sessionId, 'tctoken'))[contact.lidJid] as { senderTimestamp?: number },
      'the issued privacy token durable in S3',
      15_000,
    );
    expect(token.senderTimestamp).toBeGreaterThan(0);
    expect(running.metrics.keyWorkAfterEnd.value).toBeGreaterThan(0);
    const warnings = running.logs.filter(
      (l) => l.msg === 'key work started after its transaction ended; given its own',
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ sessionId, work: expect.stringContaining('tctoken') });
  });
});
