/**
 * Media end to end through public interfaces only: `npm run demo` as a child
 * process (API, WebSocket gateway, a real session-host process running
 * Baileys, the fake WhatsApp with its HTTPS media host), driven over HTTP,
 * the WebSocket and the fake's control API. The media bucket is only read,
 * to prove that refused media left nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ClientConfig } from '#commons/aws/client-config.ts';
import { incomingMediaId, mediaObjectKey, sessionMediaPrefix } from '#commons/domain/media.ts';
import { createApiClient, type InboxEntry, type Json, poll } from '../../infra/local/demo-clients.ts';
import { mediaBytes } from '../session-host/media-fixture-bytes.ts';
import { type DemoProcess, startDemoProcess } from './demo-process.ts';
import {
  type LinkedSession,
  linkSession,
  mediaCases,
  messageEvent,
  sha256,
  uploadMedia,
} from './media-flow-support.ts';

const OTHER_TENANT = 'media-tenant-b';

let stateDir: string;
let demo: DemoProcess | undefined;
let s3: S3Client;
let session: LinkedSession;
let alice: string;
let phone: string;

const running = (): DemoProcess => {
  if (!demo) throw new Error('the demo did not start');
  return demo;
};

/** The contact's inbox entry of message `id`, once it has been checked and decrypted. */
const inboxEntry = (id: string): Promise<InboxEntry> =>
  poll(
    async () => (await session.control.inbox(alice)).find((m) => m.id === id && m.media),
    `${alice}'s inbox to hold ${id}`,
    20_000,
  );

/** GET the media through the API without following the redirect, then fetch the presigned Location. */
async function download(mediaId: string): Promise<{ status: number; bytes?: Buffer; body?: Json }> {
  const res = await fetch(`${running().info.apiUrl}${session.path}/media/${mediaId}`, {
    headers: { authorization: `Bearer ${running().info.token}` },
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 302) return { status: res.status, body: (await res.json()) as Json };
  const location = res.headers.get('location') ?? '';
  const object = await fetch(location, { signal: AbortSignal.timeout(15_000) });
  expect(object.status).toBe(200);
  return { status: 302, bytes: Buffer.from(await object.arrayBuffer()) };
}

async function storedKeys(): Promise<string[]> {
  const listed = await s3.send(
    new ListObjectsV2Command({
      Bucket: running().info.storage.mediaBucket,
      Prefix: sessionMediaPrefix(running().info.tenant, session.id),
    }),
  );
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

/** Kinds whose messages say how long they play. */
const timed = (kind: string): boolean => kind === 'audio' || kind === 'video';

const errorCode = (body: Json): string => String((body.error as Json | undefined)?.code);

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'zapfleet-e2e-media-'));
  demo = await startDemoProcess(stateDir, {
    ZAPFLEET_HOSTS: '1',
    // A dozen media messages in a row: the anti-ban pacing would make them wait their turn for seconds.
    ZAPFLEET_SEND_RATE_PER_SECOND: '50',
    ZAPFLEET_SEND_BURST: '50',
  });
  s3 = new S3Client(s3ClientConfig({ region: 'us-east-1', endpoint: demo.info.storage.s3Endpoint }));
  const { info } = demo;
  alice = info.contacts[0]?.pn ?? '';
  phone = info.phone.pn;
  session = await linkSession(info, info.token, phone, 'media').catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n--- demo output ---\n${running().output()}`);
  });
}, 90_000);

afterAll(async () => {
  await session?.events.close();
  s3?.destroy();
  await demo?.stop();
  rmSync(stateDir, { recursive: true, force: true });
}, 60_000);

describe('media through the public API of npm run demo', () => {
  it.each(mediaCases())('sends $name by upload, and the contact decrypts it byte-exact', async (c) => {
    const mediaId = await uploadMedia(session.api, session.path, c.kind, c.bytes, c.mimetype);
    const sent = await session.api.expect(202, 'POST', `${session.path}/messages`, {
      to: alice,
      [c.kind]: { mediaId, ...c.extras },
    });
    const got = await inboxEntry(String(sent.messageId)).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n--- demo output ---\n${running().output()}`);
    });
    expect(got.media).toMatchObject({
      kind: c.kind,
      verified: true,
      size: c.bytes.length,
      sha256: sha256(c.bytes),
      ...c.extras,
    });
    expect(got.media?.mimetype.split(';')[0]).toBe(c.mimetype.split(';')[0]);
  });

  it('sends a document the host fetches from an http URL on loopback (local mode)', async () => {
    const { bytes } = mediaBytes('document', 40_000);
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': bytes.length });
      res.end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/invoice.pdf`;
      const sent = await session.api.expect(202, 'POST', `${session.path}/messages`, {
        to: alice,
        document: { url, fileName: 'invoice.pdf' },
      });
      const got = await inboxEntry(String(sent.messageId));
      expect(got.media).toMatchObject({
        kind: 'document',
        mimetype: 'application/pdf',
        fileName: 'invoice.pdf',
        verified: true,
        sha256: sha256(bytes),
      });
    } finally {
      server.close();
    }
  });

  it('sends in sync mode: 201 once sent; a URL the host cannot fetch is 422 MEDIA_URL_FAILED (sync) or FAILED (queued)', async () => {
    const { bytes, mimetype } = mediaBytes('image', 7_000);
    const mediaId = await uploadMedia(session.api, session.path, 'image', bytes, mimetype);
    const sent = await session.api.expect(201, 'POST', `${session.path}/messages`, {
      to: alice,
      mode: 'sync',
      image: { mediaId },
    });
    expect((await inboxEntry(String(sent.messageId))).media).toMatchObject({
      verified: true,
      sha256: sha256(bytes),
    });

    const server = http.createServer((req, res) => {
      if (req.url === '/moved.pdf') res.writeHead(302, { location: '/elsewhere.pdf' }).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const inboxBefore = (await session.control.inbox(alice)).length;
      const sync = await session.api.request('POST', `${session.path}/messages`, {
        to: alice,
        mode: 'sync',
        document: { url: `${base}/moved.pdf`, fileName: 'moved.pdf' },
      });
      expect([sync.status, errorCode(sync.body)]).toEqual([422, 'MEDIA_URL_FAILED']);
      const from = session.events.received.length;
      const queued = await session.api.expect(202, 'POST', `${session.path}/messages`, {
        to: alice,
        document: { url: `${base}/missing.pdf`, fileName: 'missing.pdf' },
      });
      const failed = await session.events.waitFor(
        (m) =>
          m.type === 'session:message-status' &&
          (m.data as Json).id === queued.messageId &&
          (m.data as Json).status === 'FAILED',
        'the FAILED status of the queued URL send',
        20_000,
        from,
      );
      expect(((failed.data as Json).error as Json).code).toBe('MEDIA_URL_FAILED');
      expect((await session.control.inbox(alice)).length).toBe(inboxBefore);
    } finally {
      server.close();
    }
  });

  it.each(mediaCases())('receives $name from a contact: event, 302, byte-exact download', async (c) => {
    const { id } = await session.control.sendMedia(alice, {
      to: phone,
      kind: c.kind,
      mimetype: c.mimetype,
      base64: c.bytes.toString('base64'),
      ...c.extras,
      ...(timed(c.kind) && { seconds: 7 }),
    });
    const event = await messageEvent(session.events, session.id, id);
    const media = (event.data as Json).media as Json;
    expect(media).toMatchObject({ kind: c.kind, size: c.bytes.length, sha256: sha256(c.bytes) });
    expect(media.error).toBeUndefined();
    expect(String(media.mimetype).split(';')[0]).toBe(c.mimetype.split(';')[0]);
    if (c.kind === 'document') expect(media.fileName).toBe(c.extras.fileName);
    if (c.kind !== 'audio' && c.kind !== 'sticker') expect(media.caption).toBe(c.extras.caption);
    expect(media.durationSeconds).toBe(timed(c.kind) ? 7 : undefined);
    const got = await download(String(media.id));
    expect(got.status).toBe(302);
    expect(sha256(got.bytes ?? Buffer.alloc(0))).toBe(sha256(c.bytes));
  });

  it.each([
    { what: 'a corrupt MAC', fault: { corrupt: 'mac' }, code: 'MEDIA_INTEGRITY' },
    { what: 'a wrong file hash', fault: { corrupt: 'enc-hash' }, code: 'MEDIA_INTEGRITY' },
    { what: 'a file WhatsApp no longer has (410)', fault: { expired: 410 }, code: 'MEDIA_EXPIRED' },
  ] as const)('announces a contact media with $what as $code and stores nothing', async ({ fault, code }) => {
    const { bytes, mimetype } = mediaBytes('image', 15_000);
    const { id } = await session.control.sendMedia(alice, {
      to: phone,
      kind: 'image',
      mimetype,
      base64: bytes.toString('base64'),
      ...fault,
    });
    const event = await messageEvent(session.events, session.id, id);
    const media = (event.data as Json).media as Json;
    expect(media).toMatchObject({ kind: 'image', error: { code } });
    expect(media.id).toBeUndefined();
    // The id it would have had: no object under it, and the API does not know it.
    const wouldBe = incomingMediaId(session.id, id);
    const head = s3.send(
      new HeadObjectCommand({
        Bucket: running().info.storage.mediaBucket,
        Key: mediaObjectKey(running().info.tenant, session.id, wouldBe),
      }),
    );
    await expect(head).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    const got = await download(wouldBe);
    expect([got.status, errorCode(got.body ?? {})]).toEqual([404, 'MEDIA_NOT_FOUND']);
  });

  it('stores a contact media whose mimetype is no valid Content-Type under its kind default', async () => {
    const { bytes } = mediaBytes('image', 8_000);
    const { id } = await session.control.sendMedia(alice, {
      to: phone,
      kind: 'image',
      // The sender's client writes this field; it must not reach an HTTP header as it is.
      mimetype: 'image/jpeg\r\nx-amz-meta-injected: 1',
      base64: bytes.toString('base64'),
    });
    const media = (await messageEvent(session.events, session.id, id)).data as Json;
    expect(media.media).toMatchObject({ kind: 'image', mimetype: 'image/jpeg', sha256: sha256(bytes) });
    const got = await download(String((media.media as Json).id));
    expect(sha256(got.bytes ?? Buffer.alloc(0))).toBe(sha256(bytes));
  });

  it('refuses bad media with a clear 4xx and sends, queues and stores nothing', async () => {
    const { api, path, events } = session;
    const keysBefore = await storedKeys();
    const inboxBefore = (await session.control.inbox(alice)).length;
    const eventsBefore = events.received.length;
    const send = (body: Json) => api.request('POST', `${path}/messages`, { to: alice, ...body });
    const expectRefused = async (
      what: string,
      status: number,
      code: string,
      res: Promise<{ status: number; body: Json }>,
    ) => {
      const r = await res;
      expect([what, r.status, errorCode(r.body)]).toEqual([what, status, code]);
    };

    // Declared over the kind's limit: refused before anything is signed.
    await expectRefused(
      'declared too large',
      413,
      'MEDIA_TOO_LARGE',
      api.request('POST', `${path}/media`, {
        kind: 'image',
        mimetype: 'image/jpeg',
        size: 16 * 1024 * 1024 + 1,
      }),
    );
    // Uploaded as a document, sent as a sticker: over the sticker's 1 MB.
    const big = mediaBytes('sticker', 1024 * 1024 + 10);
    const bigId = await uploadMedia(api, path, 'document', big.bytes, 'application/octet-stream');
    await expectRefused('stored too large', 413, 'MEDIA_TOO_LARGE', send({ sticker: { mediaId: bigId } }));
    // JPEG bytes uploaded as a PDF document, then sent as a video: the bytes say otherwise.
    const jpeg = mediaBytes('image', 5_000);
    const jpegId = await uploadMedia(api, path, 'document', jpeg.bytes, 'application/pdf');
    await expectRefused('jpeg as a video', 415, 'MEDIA_TYPE_MISMATCH', send({ video: { mediaId: jpegId } }));
    await expectRefused(
      'jpeg declared png',
      415,
      'MEDIA_TYPE_MISMATCH',
      send({ image: { mediaId: jpegId, mimetype: 'image/png' } }),
    );
    await expectRefused(
      'a png type for a video',
      415,
      'MEDIA_TYPE_MISMATCH',
      api.request('POST', `${path}/media`, { kind: 'video', mimetype: 'image/png', size: 100 }),
    );
    for (const url of [
      'https://10.0.0.1/a.jpg',
      'https://169.254.169.254/latest/meta-data',
      'http://192.168.1.10/a.jpg',
      'https://[fd00:ec2::254]/latest',
    ])
      await expectRefused(url, 422, 'MEDIA_URL_REFUSED', send({ image: { url } }));
    const unknown = 'med_aaaaaaaaaaaaaaaaaaaaaaaa';
    await expectRefused('unknown media id', 404, 'MEDIA_NOT_FOUND', send({ image: { mediaId: unknown } }));
    await expectRefused(
      'wrong-shape media id',
      400,
      'VALIDATION_FAILED',
      send({ image: { mediaId: 'med_../../auth' } }),
    );
    await expectRefused(
      'wrong-shape media id (GET)',
      400,
      'VALIDATION_FAILED',
      api.request('GET', `${path}/media/not-a-media-id`),
    );

    // Another tenant's media id: exactly what an unknown id gets, naming nothing of theirs.
    const otherToken = await running().mintToken(OTHER_TENANT);
    const other = createApiClient(running().info.apiUrl, otherToken);
    const otherSession = await other.expect(201, 'POST', '/v1/sessions', { name: 'media-b' });
    const otherPath = `/v1/sessions/${String(otherSession.id)}`;
    const theirs = await uploadMedia(other, otherPath, 'image', jpeg.bytes, 'image/jpeg');
    const viaSend = await send({ image: { mediaId: theirs } });
    const viaGet = await download(theirs);
    for (const r of [viaSend, { status: viaGet.status, body: viaGet.body ?? {} }]) {
      expect([r.status, errorCode(r.body)]).toEqual([404, 'MEDIA_NOT_FOUND']);
      const text = JSON.stringify(r.body);
      expect(text).not.toContain(String(otherSession.id));
      expect(text).not.toContain(OTHER_TENANT);
      expect(text).not.toContain(theirs);
    }
    // And that tenant cannot reach ours: the session is not found for it.
    const cross = await other.request('GET', `${path}/media/${theirs}`);
    expect([cross.status, errorCode(cross.body)]).toEqual([404, 'SESSION_NOT_FOUND']);

    // A text after the refusals, through the same queue: once it is delivered, nothing else was queued.
    const fence = await api.expect(202, 'POST', `${path}/messages`, {
      to: alice,
      text: 'after the refusals',
    });
    await poll(
      async () => (await session.control.inbox(alice)).find((m) => m.id === fence.messageId),
      'the fence text',
      20_000,
    );
    await events.waitFor(
      (m) =>
        m.type === 'session:message-status' &&
        (m.data as Json).id === fence.messageId &&
        (m.data as Json).status === 'SENT',
      'the fence SENT',
      20_000,
      eventsBefore,
    );
    // Every queued send announces QUEUED: the fence must be the only one.
    const queued = events.received
      .slice(eventsBefore)
      .filter((m) => m.type === 'session:message-status' && (m.data as Json).status === 'QUEUED')
      .map((m) => (m.data as Json).id);
    expect(queued).toEqual([fence.messageId]);
    expect((await session.control.inbox(alice)).length).toBe(inboxBefore + 1);
    // Only the two uploads the test made itself were stored (the refusals stored nothing).
    expect((await storedKeys()).filter((k) => !keysBefore.includes(k)).sort()).toEqual(
      [bigId, jpegId].map((id) => mediaObjectKey(running().info.tenant, session.id, id)).sort(),
    );
  });

  it("deletes the session's media with the session", async () => {
    expect((await storedKeys()).length).toBeGreaterThan(0);
    await session.api.expect(204, 'DELETE', session.path);
    expect(await storedKeys()).toEqual([]);
  });
});
