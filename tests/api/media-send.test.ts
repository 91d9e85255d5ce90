/**
 * Sending media through POST …/messages: by an uploaded media id (checked
 * against the object: exists, size, bytes of the kind) or by an https URL
 * (the address policy on the URL as written), queued (202) and sync (201).
 * Every refusal is a 4xx that writes no outbox row and calls no host.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_LIMIT_BYTES, mediaObjectKey } from '#commons/domain/media.ts';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';
import { oggOpusBytes, pdfBytes, pngBytes, webpBytes } from './support/media-files.ts';

let h: ApiHarness;
let token: string;
const TO = '4915123456789';

beforeAll(async () => {
  h = await createApiHarness('media-send');
  token = await h.adminToken('acme');
  await h.putHost({ hostId: 'h-media', expiresAt: 4_000_000_000 });
});
afterAll(() => h.destroy());
beforeEach(() => {
  h.hostClient.calls.length = 0;
  h.hostClient.onSend = async (m) => ({ messageId: m.messageId, status: 'SENT' });
});

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; details?: Record<string, unknown> } }).error;

async function connectedSession(as = token): Promise<string> {
  const id = await h.createSession(as);
  expect((await h.request('POST', `/v1/sessions/${id}/start`, { token: as })).status).toBe(202);
  await h.hostWrites(id, { status: 'CONNECTED', epoch: 1 });
  h.hostClient.calls.length = 0;
  return id;
}

/** Uploads through the API's presigned PUT, as a tenant would. */
async function upload(
  id: string,
  kind: string,
  mimetype: string,
  bytes: Uint8Array,
  as = token,
): Promise<string> {
  const res = await h.request('POST', `/v1/sessions/${id}/media`, {
    token: as,
    body: { kind, mimetype, size: bytes.length },
  });
  expect(res.status).toBe(201);
  const answer = (await res.json()) as {
    mediaId: string;
    upload: { url: string; headers: Record<string, string> };
  };
  const put = await fetch(answer.upload.url, { method: 'PUT', headers: answer.upload.headers, body: bytes });
  expect(put.status).toBe(200);
  return answer.mediaId;
}

async function outboxRows(sessionId: string): Promise<Record<string, unknown>[]> {
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

const send = (id: string, body: Record<string, unknown>, as = token) =>
  h.request('POST', `/v1/sessions/${id}/messages`, { token: as, body });

describe('sending uploaded media', () => {
  it('sync: the host is asked to send the media with the mimetype sniffed from the bytes (201)', async () => {
    const id = await connectedSession();
    const mediaId = await upload(id, 'image', 'image/png', pngBytes(32));
    const res = await send(id, { to: TO, image: { mediaId, caption: 'look' }, mode: 'sync' });
    expect(res.status).toBe(201);
    const [call] = h.hostClient.callsOf('send');
    expect(call?.message).toEqual({
      to: TO,
      media: { kind: 'image', source: { mediaId }, mimetype: 'image/png', caption: 'look' },
      messageId: ((await res.clone().json()) as { messageId: string }).messageId,
    });
    expect(call?.message?.text).toBeUndefined();
  });

  it('queued: the row carries the media with its resolved mimetype (202) and the owner is nudged', async () => {
    const id = await connectedSession();
    const mediaId = await upload(id, 'audio', 'audio/ogg', oggOpusBytes());
    const res = await send(id, { to: TO, audio: { mediaId, ptt: true } });
    expect(res.status).toBe(202);
    const [row] = await outboxRows(id);
    expect(row).toMatchObject({
      to: TO,
      state: 'QUEUED',
      media: { kind: 'audio', source: { mediaId }, mimetype: 'audio/ogg; codecs=opus', ptt: true },
    });
    expect(row?.text).toBeUndefined();
    expect(h.hostClient.callsOf('send')).toEqual([]);
    expect(h.hostClient.callsOf('nudge')).toHaveLength(1);
  });

  it.each([
    ['sticker', 'image/webp', webpBytes(), {}, 'image/webp'],
    [
      'document',
      'application/pdf',
      pdfBytes(),
      { fileName: 'invoice.pdf', caption: 'March' },
      'application/pdf',
    ],
    [
      'document',
      'text/csv',
      new TextEncoder().encode('a,b\n1,2\n'),
      { fileName: 'x.csv', mimetype: 'text/csv' },
      'text/csv',
    ],
    ['document', 'text/plain', new TextEncoder().encode('just text'), { fileName: 'x.txt' }, 'text/plain'],
  ] as const)('queues a %s (%s) as %s', async (kind, uploadType, bytes, extra, resolved) => {
    const id = await connectedSession();
    const mediaId = await upload(id, kind, uploadType, bytes);
    const res = await send(id, { to: TO, [kind]: { mediaId, ...extra } });
    expect(res.status).toBe(202);
    const [row] = await outboxRows(id);
    expect(row?.media).toMatchObject({ kind, source: { mediaId }, mimetype: resolved });
  });

  it('a repeat with the same key and media is one message; other media under the key is 409', async () => {
    const id = await connectedSession();
    const a = await upload(id, 'image', 'image/png', pngBytes());
    const b = await upload(id, 'image', 'image/png', pngBytes(5));
    const first = await send(id, { to: TO, image: { mediaId: a }, idempotencyKey: 'media-1' });
    expect(first.status).toBe(202);
    const again = await send(id, { to: `+${TO}`, image: { mediaId: a }, idempotencyKey: 'media-1' });
    expect(again.status).toBe(202);
    expect(((await again.json()) as { messageId: string }).messageId).toBe(
      ((await first.json()) as { messageId: string }).messageId,
    );
    for (const other of [
      { image: { mediaId: b } },
      { image: { mediaId: a, caption: 'now with a caption' } },
      { text: 'text instead' },
    ]) {
      const reused = await send(id, { to: TO, ...other, idempotencyKey: 'media-1' });
      expect(reused.status).toBe(409);
      expect((await errorOf(reused)).code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(await outboxRows(id)).toHaveLength(1);
  });
});

describe('sending media by URL', () => {
  it('queues a public https URL as given; the host checks size and type while fetching', async () => {
    const id = await connectedSession();
    const res = await send(id, {
      to: TO,
      document: { url: 'https://files.example.com/a.pdf', fileName: 'a.pdf', mimetype: 'application/pdf' },
    });
    expect(res.status).toBe(202);
    const [row] = await outboxRows(id);
    expect(row?.media).toEqual({
      kind: 'document',
      source: { url: 'https://files.example.com/a.pdf' },
      mimetype: 'application/pdf',
      fileName: 'a.pdf',
    });
  });

  it('allows a loopback http URL only where ENV.mediaUrlDestinations is loopback-http', async () => {
    const local = await createApiHarness('media-local', {
      aws: h.aws,
      mediaUrlDestinations: 'loopback-http',
    });
    const t = await local.adminToken('acme');
    await local.putHost({ hostId: 'h-media-local', expiresAt: 4_000_000_000 });
    const id = await local.createSession(t);
    expect((await local.request('POST', `/v1/sessions/${id}/start`, { token: t })).status).toBe(202);
    const body = { to: TO, image: { url: 'http://127.0.0.1:9/x.png' } };
    expect((await local.request('POST', `/v1/sessions/${id}/messages`, { token: t, body })).status).toBe(202);
    // Still no private network address in local mode.
    const lan = { to: TO, image: { url: 'http://10.0.0.8/x.png' } };
    expect((await local.request('POST', `/v1/sessions/${id}/messages`, { token: t, body: lan })).status).toBe(
      422,
    );
  });
});

describe('refusals change nothing', () => {
  /** Sends in both modes and expects the same refusal, with no outbox row and no host call. */
  async function expectRefused(
    id: string,
    body: Record<string, unknown>,
    status: number,
    code: string,
    as = token,
  ) {
    for (const mode of ['queued', 'sync']) {
      const res = await send(id, { ...body, mode }, as);
      expect(res.status, `${mode}: ${JSON.stringify(body)}`).toBe(status);
      expect((await errorOf(res)).code).toBe(code);
    }
    expect(await outboxRows(id)).toEqual([]);
    expect(h.hostClient.callsOf('send')).toEqual([]);
  }

  it('an unknown media id: 404 MEDIA_NOT_FOUND', async () => {
    const id = await connectedSession();
    await expectRefused(id, { to: TO, image: { mediaId: `med_${'q'.repeat(24)}` } }, 404, 'MEDIA_NOT_FOUND');
  });

  it("another tenant's media id, even known: 404 MEDIA_NOT_FOUND (the key is built from the caller's session)", async () => {
    const owner = await connectedSession();
    const mediaId = await upload(owner, 'image', 'image/png', pngBytes());
    const other = await h.adminToken('globex');
    const mine = await connectedSession(other);
    await expectRefused(mine, { to: TO, image: { mediaId } }, 404, 'MEDIA_NOT_FOUND', other);
    // And through the owner's session: that session is not the caller's.
    const res = await send(owner, { to: TO, image: { mediaId } }, other);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('SESSION_NOT_FOUND');
  });

  it('an object over the kind limit (stored behind the signed length): 413 MEDIA_TOO_LARGE', async () => {
    const id = await connectedSession();
    const mediaId = `med_${'z'.repeat(24)}`;
    await h.aws.s3.send(
      new PutObjectCommand({
        Bucket: h.aws.mediaBucket,
        Key: mediaObjectKey('acme', id, mediaId),
        Body: new Uint8Array(MEDIA_LIMIT_BYTES.sticker + 1),
      }),
    );
    await expectRefused(id, { to: TO, sticker: { mediaId } }, 413, 'MEDIA_TOO_LARGE');
  });

  it.each([
    ['a PNG sent as audio', 'audio', pngBytes(), {}],
    ['PDF bytes sent as an image', 'image', pdfBytes(), {}],
    ['a PNG sent as a sticker (stickers are WebP)', 'sticker', pngBytes(), {}],
    ['unrecognisable bytes sent as video', 'video', new TextEncoder().encode('not a video at all'), {}],
    ['a PNG declared image/jpeg', 'image', pngBytes(), { mimetype: 'image/jpeg' }],
    ['a PDF document declared text/plain', 'document', pdfBytes(), { mimetype: 'text/plain' }],
  ])('%s: 415 MEDIA_TYPE_MISMATCH', async (_name, kind, bytes, extra) => {
    const id = await connectedSession();
    const mediaId = `med_${'t'.repeat(24)}`;
    await h.aws.s3.send(
      new PutObjectCommand({
        Bucket: h.aws.mediaBucket,
        Key: mediaObjectKey('acme', id, mediaId),
        Body: bytes,
      }),
    );
    await expectRefused(id, { to: TO, [kind]: { mediaId, ...extra } }, 415, 'MEDIA_TYPE_MISMATCH');
  });

  it.each([
    'https://127.0.0.1/x.png',
    'https://10.1.2.3/x.png',
    'https://192.168.0.10/x.png',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/x.png',
    'https://[fd00::1]/x.png',
    'https://localhost/x.png',
    'https://media.localhost/x.png',
    'http://files.example.com/x.png',
    'https://user:pw@files.example.com/x.png',
    'ftp://files.example.com/x.png',
    'not a url',
  ])('the URL %s: 422 MEDIA_URL_REFUSED', async (url) => {
    const id = await connectedSession();
    await expectRefused(id, { to: TO, image: { url } }, 422, 'MEDIA_URL_REFUSED');
  });

  it.each([
    ['a caption on a sticker', { sticker: { mediaId: `med_${'a'.repeat(24)}`, caption: 'no' } }],
    ['a caption on audio', { audio: { mediaId: `med_${'a'.repeat(24)}`, caption: 'no' } }],
    ['a fileName on an image', { image: { mediaId: `med_${'a'.repeat(24)}`, fileName: 'x.png' } }],
    ['ptt on a video', { video: { mediaId: `med_${'a'.repeat(24)}`, ptt: true } }],
    ['two content kinds', { text: 'hi', image: { mediaId: `med_${'a'.repeat(24)}` } }],
    [
      'two media kinds',
      { image: { mediaId: `med_${'a'.repeat(24)}` }, video: { mediaId: `med_${'a'.repeat(24)}` } },
    ],
    ['no content at all', {}],
    [
      'both mediaId and url',
      { image: { mediaId: `med_${'a'.repeat(24)}`, url: 'https://example.com/x.png' } },
    ],
    ['neither mediaId nor url', { image: { caption: 'empty' } }],
    ['a malformed media id', { image: { mediaId: 'med_../../auth/acme' } }],
    ['a malformed mimetype', { document: { mediaId: `med_${'a'.repeat(24)}`, mimetype: 'pdf' } }],
    [
      'a file name with a path',
      { document: { mediaId: `med_${'a'.repeat(24)}`, fileName: '../etc/passwd' } },
    ],
  ])('%s: 400 VALIDATION_FAILED', async (_name, content) => {
    const id = await connectedSession();
    await expectRefused(id, { to: TO, ...content }, 400, 'VALIDATION_FAILED');
  });
});
