/**
 * Media to a group through a session host: the host streams the file from the
 * media bucket, Baileys uploads it once and sends one skmsg; each member
 * decrypts the message, then fetches and checks the file byte-exact.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mediaObjectKey, newMediaId } from '#commons/domain/media.ts';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import { createMediaRuntime } from '../../session-host/src/media/media-runtime.ts';
import { receivedMediaBytes } from '../support/fake-whatsapp/contact-media.ts';
import { HostHarness } from './host-harness.ts';
import { mediaBytes } from './media-fixture-bytes.ts';

const TOKEN = 'internal-token-for-group-media-0123456789';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let h: HostHarness;
beforeEach(async () => {
  h = await HostHarness.create();
});
afterEach(async () => {
  await h.dispose();
});

describe('group media through the host', () => {
  it('an image from the media bucket reaches all three members byte-exact', async () => {
    const running = await h.startHost('host-1', {
      media: (metrics, logger) =>
        createMediaRuntime({
          s3: h.aws.s3,
          bucket: h.aws.mediaBucket,
          destinations: 'loopback-http',
          caPem: h.fake.media.caPem,
          transfers: 4,
          transferTimeoutMs: 20_000,
          metrics,
          logger,
        }),
    });
    const sessionId = await h.createSession();
    const device = await h.link(sessionId);
    const members = ['Alice', 'Bob', 'Carol'].map((name) => h.fake.createUser({ name }));
    const group = h.fake.groups.create({
      subject: 'Photos',
      creator: device.pn,
      participants: members.map((m) => m.pn),
    });
    const { bytes, mimetype } = mediaBytes('image');
    const mediaId = newMediaId();
    await h.aws.s3.send(
      new PutObjectCommand({
        Bucket: h.aws.mediaBucket,
        Key: mediaObjectKey('acme', sessionId, mediaId),
        Body: bytes,
        ContentType: mimetype,
      }),
    );
    const app = createInternalApi(running.host, running.metrics, TOKEN);

    const res = await app.request(`/internal/sessions/${sessionId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        to: group.jid,
        messageId: '3EB0GROUPMEDIA0001',
        media: { kind: 'image', source: { mediaId }, mimetype, caption: 'for the team' },
      }),
    });

    expect(res.status).toBe(201);
    for (const member of members) {
      const got = await h.fake.groups.waitForMessage(member.pn, (m) => m.id === '3EB0GROUPMEDIA0001', 20_000);
      expect(got.media).toMatchObject({ kind: 'image', verified: true, caption: 'for the team' });
      expect(sha256(await receivedMediaBytes(got.media!))).toBe(sha256(bytes));
    }
  });

  it('an image a member sends to the group is stored and announced with the group as chat', async () => {
    await h.startHost('host-1', {
      media: (metrics, logger) =>
        createMediaRuntime({
          s3: h.aws.s3,
          bucket: h.aws.mediaBucket,
          destinations: 'loopback-http',
          caPem: h.fake.media.caPem,
          transfers: 4,
          transferTimeoutMs: 20_000,
          metrics,
          logger,
        }),
    });
    const sessionId = await h.createSession();
    const device = await h.link(sessionId);
    const alice = h.fake.createUser({ name: 'Alice' });
    const group = h.fake.groups.create({ subject: 'Photos', creator: alice.pn, participants: [device.pn] });
    const { bytes, mimetype } = mediaBytes('image');

    const id = await h.fake.groups.sendMedia(group.jid, alice.pn, {
      kind: 'image',
      bytes,
      mimetype,
      caption: 'look',
    });

    const event = await h.waitForEvent(
      sessionId,
      (e) => e.type === 'session:message' && e.data.id === id,
      20_000,
    );
    const media = event.data.media as { id?: string; error?: unknown; sha256?: string };
    expect(event.data).toMatchObject({ chat: group.jid, from: alice.lidJid, text: 'look' });
    expect(media.error).toBeUndefined();
    expect(media.sha256).toBe(sha256(bytes));
    const stored = await h.aws.s3.send(
      new GetObjectCommand({
        Bucket: h.aws.mediaBucket,
        Key: mediaObjectKey('acme', sessionId, media.id ?? ''),
      }),
    );
    const body = await (
      stored.Body as { transformToByteArray(): Promise<Uint8Array> }
    ).transformToByteArray();
    expect(sha256(body)).toBe(sha256(bytes));
  });
});
