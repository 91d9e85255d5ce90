/**
 * Media through a session host (real Baileys against the fake WhatsApp, real
 * SDK against the embedded S3): each kind sent from the media bucket reaches
 * the contact byte-exact; each kind a contact sends is verified and stored
 * byte-exact before its event; a corrupt or expired file is an event with
 * media.error and nothing stored; bad URL sources are refused and nothing sent.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingMedia } from '#commons/domain/media.ts';
import {
  MEDIA_KINDS,
  type MediaKind,
  mediaObjectKey,
  newMediaId,
  sessionMediaPrefix,
} from '#commons/domain/media.ts';
import { newOutboxEntry, type QueuedMessage, queueKeyFor } from '#commons/domain/session-outbox.ts';
import { DynamoDbSendQueue } from '#commons/storage/dynamodb-send-queue.ts';
import { createInternalApi } from '../../session-host/src/internal-api.ts';
import { createMediaRuntime } from '../../session-host/src/media/media-runtime.ts';
import { waitFor } from '../support/wait-for.ts';
import { HostHarness } from './host-harness.ts';
import { mediaBytes } from './media-fixture-bytes.ts';

type MediaInfo = { error: { code: string }; id?: string; fileName?: string };
const TOKEN = 'internal-token-for-media-tests-0123456789';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let h: HostHarness;
let bucket: string;
const servers: http.Server[] = [];

beforeEach(async () => {
  h = await HostHarness.create();
  bucket = h.aws.mediaBucket;
});
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
  await h.dispose();
});

async function linked(destinations: 'strict' | 'loopback-http' = 'loopback-http') {
  const running = await h.startHost('host-1', {
    media: (metrics, logger) =>
      createMediaRuntime({
        s3: h.aws.s3,
        bucket,
        destinations,
        caPem: h.fake.media.caPem,
        transfers: 4,
        transferTimeoutMs: 20_000,
        metrics,
        logger,
      }),
  });
  const sessionId = await h.createSession();
  const device = await h.link(sessionId);
  const contact = h.fake.createUser({ name: 'Media' });
  const app = createInternalApi(running.host, running.metrics, TOKEN);
  let n = 0;
  const send = async (media: Record<string, unknown>) => {
    n += 1;
    const messageId = `MEDIA${Date.now().toString(36).toUpperCase()}N${n}`;
    const res = await app.request(`/internal/sessions/${sessionId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: contact.pn, messageId, media }),
    });
    return { status: res.status, body: (await res.json()) as MediaInfo, messageId };
  };
  return { ...running, sessionId, device, contact, send };
}

async function putMedia(sessionId: string, bytes: Buffer, contentType: string): Promise<string> {
  const mediaId = newMediaId();
  await h.aws.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: mediaObjectKey('acme', sessionId, mediaId),
      Body: bytes,
      ContentType: contentType,
    }),
  );
  return mediaId;
}

async function objectBytes(key: string): Promise<Buffer> {
  const got = await h.aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(
    await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

async function storedKeys(sessionId: string): Promise<string[]> {
  const listed = await h.aws.s3.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: sessionMediaPrefix('acme', sessionId) }),
  );
  return (listed.Contents ?? []).map((o) => o.Key as string);
}

/** Serves `body` once per request on loopback http (chunked, no content-length). */
async function serve(body: () => AsyncIterable<Buffer> | Buffer): Promise<string> {
  const server = http.createServer(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const b = body();
    if (Buffer.isBuffer(b)) return res.end(b);
    try {
      for await (const chunk of b) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      res.end();
    } catch {
      res.destroy();
    }
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`;
}

const options: Record<MediaKind, Record<string, unknown>> = {
  image: { caption: 'an image' },
  video: { caption: 'a video' },
  audio: { ptt: true },
  document: { caption: 'a document', fileName: 'report.pdf' },
  sticker: {},
};

describe('media sent by the host', () => {
  it('sends every kind from the media bucket; the contact decrypts each byte-exact', async () => {
    const s = await linked();
    for (const kind of MEDIA_KINDS) {
      const { bytes, mimetype } = mediaBytes(kind);
      const mediaId = await putMedia(s.sessionId, bytes, mimetype);
      const sent = await s.send({ kind, source: { mediaId }, ...options[kind] });
      expect(sent.status, `${kind}: ${JSON.stringify(sent.body)}`).toBe(201);
      const got = await h.fake.waitForMessage(s.contact.pn, (m) => m.id === sent.messageId && !m.deviceSent);
      expect(got.media?.kind).toBe(kind);
      expect(got.media?.verified, `${kind}: ${got.media?.error?.message}`).toBe(true);
      expect(got.media?.bytes?.equals(bytes)).toBe(true);
      expect(got.media?.mimetype).toBe(mimetype);
      if (kind === 'document') expect(got.media?.fileName).toBe('report.pdf');
      if (kind === 'audio') expect(got.media?.ptt).toBe(true);
      if (kind === 'image') expect(got.media?.caption).toBe('an image');
    }
    expect(s.metrics.mediaSent.value).toBe(MEDIA_KINDS.length);
  });

  it('refuses another session’s media id and an unknown one with 404 MEDIA_NOT_FOUND', async () => {
    const s = await linked();
    const { bytes, mimetype } = mediaBytes('image');
    const elsewhere = newMediaId();
    await h.aws.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: mediaObjectKey('other', 'ses_other', elsewhere),
        Body: bytes,
      }),
    );
    for (const mediaId of [elsewhere, newMediaId()]) {
      const sent = await s.send({ kind: 'image', source: { mediaId }, mimetype });
      expect(sent.status).toBe(404);
      expect(sent.body.error.code).toBe('MEDIA_NOT_FOUND');
    }
  });

  it('refuses bytes that are not the kind with 415 MEDIA_TYPE_MISMATCH and sends nothing', async () => {
    const s = await linked();
    const { bytes } = mediaBytes('document');
    const mediaId = await putMedia(s.sessionId, bytes, 'image/jpeg');
    const sent = await s.send({ kind: 'image', source: { mediaId } });
    expect(sent.status).toBe(415);
    expect(sent.body.error.code).toBe('MEDIA_TYPE_MISMATCH');
    const declared = await s.send({ kind: 'document', source: { mediaId }, mimetype: 'image/png' });
    expect(declared.body.error.code).toBe('MEDIA_TYPE_MISMATCH');
    expect(h.fake.inbox(s.contact.pn)).toHaveLength(0);
  });

  it('sends a document from a loopback http URL in loopback-http mode', async () => {
    const s = await linked('loopback-http');
    const { bytes } = mediaBytes('document', 300_000);
    const url = await serve(() => bytes);
    const sent = await s.send({ kind: 'document', source: { url }, fileName: 'from-url.pdf' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const got = await h.fake.waitForMessage(s.contact.pn, (m) => m.id === sent.messageId && !m.deviceSent);
    expect(got.media?.verified).toBe(true);
    expect(got.media?.bytes?.equals(bytes)).toBe(true);
    expect(got.media?.mimetype).toBe('application/pdf');
  });

  it('refuses a URL to a private or loopback address with 422 MEDIA_URL_REFUSED when destinations are strict', async () => {
    const s = await linked('strict');
    const url = await serve(() => mediaBytes('document').bytes);
    for (const bad of [
      url,
      'https://10.0.0.7/file.pdf',
      'https://169.254.169.254/latest',
      'https://localhost/x',
    ]) {
      const sent = await s.send({ kind: 'document', source: { url: bad } });
      expect(sent.status, bad).toBe(422);
      expect(sent.body.error.code).toBe('MEDIA_URL_REFUSED');
    }
    expect(h.fake.inbox(s.contact.pn)).toHaveLength(0);
  });

  it('aborts a URL stream past the kind’s limit with 413 MEDIA_TOO_LARGE and sends nothing', async () => {
    const s = await linked('loopback-http');
    const header = mediaBytes('sticker', 64).bytes;
    let served = 0;
    const url = await serve(async function* () {
      yield header;
      // Endless, no content-length: only the host's own count can stop it.
      for (;;) {
        served += 64 * 1024;
        yield Buffer.alloc(64 * 1024, 7);
        if (served > 64 * 1024 * 1024) return;
      }
    });
    const sent = await s.send({ kind: 'sticker', source: { url } });
    expect(sent.status).toBe(413);
    expect(sent.body.error.code).toBe('MEDIA_TOO_LARGE');
    expect(served).toBeLessThan(8 * 1024 * 1024);
    expect(h.fake.inbox(s.contact.pn)).toHaveLength(0);
  });
});

describe('queued media (202)', () => {
  it('fails a queued media row with its code (MEDIA_URL_REFUSED) and sends the next one', async () => {
    const s = await linked('strict');
    const queue = new DynamoDbSendQueue({ client: h.aws.doc, outboxTable: h.aws.tables.outbox });
    const { bytes, mimetype } = mediaBytes('image');
    const mediaId = await putMedia(s.sessionId, bytes, mimetype);
    const rows: [string, OutgoingMedia][] = [
      ['QUEUEDREFUSED1', { kind: 'document', source: { url: 'https://192.168.0.10/a.pdf' } }],
      ['QUEUEDIMAGE002', { kind: 'image', source: { mediaId }, caption: 'queued' }],
    ];
    const start = Date.now();
    for (const [i, [messageId, media]] of rows.entries()) {
      const at = new Date(start + i);
      const entry = newOutboxEntry(
        { to: s.contact.pn, media, sessionId: s.sessionId, tenantId: 'acme', messageId },
        at,
      );
      const row: QueuedMessage = {
        ...entry,
        to: s.contact.pn,
        media,
        state: 'QUEUED',
        queueKey: queueKeyFor(at, messageId),
      };
      expect((await queue.enqueue(row, 100, at)).kind).toBe('created');
    }
    await s.host.reconcileSession(s.sessionId);
    const got = await h.fake.waitForMessage(s.contact.pn, (m) => m.id === 'QUEUEDIMAGE002' && !m.deviceSent);
    expect(got.media?.bytes?.equals(bytes)).toBe(true);
    const failed = await h.waitForEvent(
      s.sessionId,
      (e) =>
        e.type === 'session:message-status' && e.data.id === 'QUEUEDREFUSED1' && e.data.status === 'FAILED',
    );
    expect((failed.data.error as { code: string }).code).toBe('MEDIA_URL_REFUSED');
    await h.waitForEvent(
      s.sessionId,
      (e) =>
        e.type === 'session:message-status' && e.data.id === 'QUEUEDIMAGE002' && e.data.status === 'SENT',
    );
    expect(h.fake.inbox(s.contact.pn).filter((m) => !m.deviceSent)).toHaveLength(1);
  });
});

describe('media received by the host', () => {
  it('stores every kind a contact sends byte-exact before its event, which describes it', async () => {
    const s = await linked();
    for (const kind of MEDIA_KINDS) {
      const { bytes, mimetype } = mediaBytes(kind);
      const id = await h.fake.sendMedia(s.contact.pn, s.device.pn, {
        kind,
        bytes,
        mimetype,
        ...options[kind],
        ...(kind === 'audio' && { seconds: 3 }),
      });
      const event = await h.waitForEvent(
        s.sessionId,
        (e) => e.type === 'session:message' && e.data.id === id,
      );
      const media = event.data.media as Record<string, unknown>;
      expect(media.error, kind).toBeUndefined();
      expect(media).toMatchObject({ kind, mimetype, size: bytes.length, sha256: sha256(bytes) });
      if (kind === 'document') expect(media.fileName).toBe('report.pdf');
      if (kind === 'audio') expect(media.durationSeconds).toBe(3);
      if (options[kind].caption) {
        expect(media.caption).toBe(options[kind].caption);
        expect(event.data.text).toBe(options[kind].caption);
      }
      const stored = await objectBytes(mediaObjectKey('acme', s.sessionId, media.id as string));
      expect(stored.equals(bytes)).toBe(true);
    }
    expect(s.metrics.mediaStored.value).toBe(MEDIA_KINDS.length);
  });

  it.each(['mac', 'enc-hash', 'plaintext-hash'] as const)(
    'announces a file with a corrupt %s as MEDIA_INTEGRITY and stores nothing',
    async (corrupt) => {
      const s = await linked();
      const { bytes, mimetype } = mediaBytes('document', 200_000);
      const id = await h.fake.sendMedia(s.contact.pn, s.device.pn, {
        kind: 'document',
        bytes,
        mimetype,
        fileName: 'bad.pdf',
        corrupt,
      });
      const event = await h.waitForEvent(
        s.sessionId,
        (e) => e.type === 'session:message' && e.data.id === id,
      );
      const media = event.data.media as MediaInfo;
      expect(media.error.code).toBe('MEDIA_INTEGRITY');
      expect(media.id).toBeUndefined();
      expect(media.fileName).toBe('bad.pdf');
      expect(await storedKeys(s.sessionId)).toEqual([]);
      expect(s.metrics.mediaFailed.value).toBe(1);
    },
  );

  it('announces expired media as MEDIA_EXPIRED, and the next message still arrives in order', async () => {
    const s = await linked();
    const { bytes, mimetype } = mediaBytes('image');
    const id = await h.fake.sendMedia(s.contact.pn, s.device.pn, {
      kind: 'image',
      bytes,
      mimetype,
      expired: true,
    });
    const after = await h.fake.sendText(s.contact.pn, s.device.pn, 'after the expired image');
    const event = await h.waitForEvent(
      s.sessionId,
      (e) => e.type === 'session:message' && e.data.id === after,
    );
    const events = (await h.eventsOf(s.sessionId)).filter((e) => e.type === 'session:message');
    const expired = events.findIndex((e) => e.data.id === id);
    const expiredMedia = events[expired]?.data.media as MediaInfo | undefined;
    expect(expiredMedia?.error.code).toBe('MEDIA_EXPIRED');
    expect(expired).toBeLessThan(events.findIndex((e) => e.data.id === event.data.id));
    expect(await storedKeys(s.sessionId)).toEqual([]);
  });
});

describe('media hosts a message may name', () => {
  it('does not fetch media from a loopback host when destinations are strict (a sender picks the url)', async () => {
    const s = await linked('strict');
    const { bytes, mimetype } = mediaBytes('image');
    const id = await h.fake.sendMedia(s.contact.pn, s.device.pn, { kind: 'image', bytes, mimetype });
    const event = await h.waitForEvent(s.sessionId, (e) => e.type === 'session:message' && e.data.id === id);
    expect((event.data.media as MediaInfo).error.code).toBe('MEDIA_DOWNLOAD_FAILED');
    expect(await storedKeys(s.sessionId)).toEqual([]);
  });
});

describe('media without a bucket', () => {
  it('refuses media sends with MEDIA_NOT_CONFIGURED and announces incoming media as MEDIA_STORE_FAILED', async () => {
    const running = await h.startHost('host-1', {
      media: (metrics, logger) =>
        createMediaRuntime({
          s3: h.aws.s3,
          bucket: undefined,
          destinations: 'loopback-http',
          caPem: h.fake.media.caPem,
          transfers: 2,
          transferTimeoutMs: 10_000,
          metrics,
          logger,
        }),
    });
    const sessionId = await h.createSession();
    const device = await h.link(sessionId);
    const contact = h.fake.createUser({ name: 'NoBucket' });
    const app = createInternalApi(running.host, running.metrics, TOKEN);
    const res = await app.request(`/internal/sessions/${sessionId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        to: contact.pn,
        messageId: 'NOBUCKET0001',
        media: { kind: 'image', source: { mediaId: newMediaId() } },
      }),
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MEDIA_NOT_CONFIGURED');
    const { bytes, mimetype } = mediaBytes('image');
    const id = await h.fake.sendMedia(contact.pn, device.pn, { kind: 'image', bytes, mimetype });
    const event = await waitFor(
      async () => (await h.eventsOf(sessionId)).find((e) => e.type === 'session:message' && e.data.id === id),
      'the image message event',
    );
    expect((event.data.media as MediaInfo).error.code).toBe('MEDIA_STORE_FAILED');
  });
});
