/**
 * Media uploads and downloads through the API against the embedded S3:
 * POST …/media answers a presigned PUT the tenant uploads to with fetch;
 * GET …/media/{id} redirects to a presigned GET; DELETE of the session
 * removes its media. Another tenant's media id names nothing.
 */
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_LIMIT_BYTES, mediaObjectKey } from '#commons/domain/media.ts';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';
import { pngBytes } from './support/media-files.ts';

let h: ApiHarness;
let token: string;

beforeAll(async () => {
  h = await createApiHarness('media-upload');
  token = await h.adminToken('acme');
});
afterAll(() => h.destroy());

interface UploadAnswer {
  mediaId: string;
  upload: { url: string; method: string; headers: Record<string, string>; expiresAt: string };
}

const presign = (id: string, body: unknown, as = token) =>
  h.request('POST', `/v1/sessions/${id}/media`, { token: as, body });

async function upload(id: string, bytes: Uint8Array, mimetype = 'image/png'): Promise<string> {
  const res = await presign(id, { kind: 'image', mimetype, size: bytes.length });
  expect(res.status).toBe(201);
  const answer = (await res.json()) as UploadAnswer;
  const put = await fetch(answer.upload.url, { method: 'PUT', headers: answer.upload.headers, body: bytes });
  expect(put.status).toBe(200);
  return answer.mediaId;
}

describe('POST /v1/sessions/{id}/media', () => {
  it('answers a media id and a presigned PUT signing content-type and content-length, stores nothing yet', async () => {
    const id = await h.createSession(token);
    const res = await presign(id, { kind: 'image', mimetype: 'image/png', size: 1234 });
    expect(res.status).toBe(201);
    const answer = (await res.json()) as UploadAnswer;
    expect(answer.mediaId).toMatch(/^med_[a-z2-7]{24}$/);
    expect(answer.upload.method).toBe('PUT');
    expect(answer.upload.headers).toEqual({ 'content-type': 'image/png', 'content-length': '1234' });
    const url = new URL(answer.upload.url);
    expect(url.pathname).toContain(mediaObjectKey('acme', id, answer.mediaId));
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host']),
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(Date.parse(answer.upload.expiresAt) - h.now.getTime()).toBe(300_000);
    expect(await h.mediaObjects('acme', id)).toEqual([]);
  });

  it('the presigned PUT stores the bytes under the session with the declared type', async () => {
    const id = await h.createSession(token);
    const bytes = pngBytes(100);
    const mediaId = await upload(id, bytes);
    const head = await h.aws.s3.send(
      new HeadObjectCommand({ Bucket: h.aws.mediaBucket, Key: mediaObjectKey('acme', id, mediaId) }),
    );
    expect(head.ContentLength).toBe(bytes.length);
    expect(head.ContentType).toBe('image/png');
  });

  it.each([
    ['image', MEDIA_LIMIT_BYTES.image + 1],
    ['sticker', MEDIA_LIMIT_BYTES.sticker + 1],
    ['document', MEDIA_LIMIT_BYTES.document + 1],
  ] as const)('refuses a %s of %i bytes with 413 MEDIA_TOO_LARGE naming the limit', async (kind, size) => {
    const id = await h.createSession(token);
    const mimetype = kind === 'document' ? 'application/pdf' : 'image/webp';
    const res = await presign(id, { kind, mimetype, size });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; details: Record<string, unknown> } };
    expect(body.error.code).toBe('MEDIA_TOO_LARGE');
    expect(body.error.details).toMatchObject({ kind, size, limit: MEDIA_LIMIT_BYTES[kind] });
  });

  it('accepts exactly the limit', async () => {
    const id = await h.createSession(token);
    const res = await presign(id, {
      kind: 'sticker',
      mimetype: 'image/webp',
      size: MEDIA_LIMIT_BYTES.sticker,
    });
    expect(res.status).toBe(201);
  });

  it.each([
    [{ kind: 'gif', mimetype: 'image/gif', size: 10 }, 'kind'],
    [{ kind: 'image', mimetype: 'png', size: 10 }, 'mimetype'],
    [{ kind: 'image', mimetype: 'image/png\r\nx-evil: 1', size: 10 }, 'mimetype'],
    [{ kind: 'image', mimetype: 'image/png', size: 0 }, 'size'],
    [{ kind: 'image', mimetype: 'image/png', size: -5 }, 'size'],
    [{ kind: 'image', mimetype: 'image/png', size: 1.5 }, 'size'],
    [{ kind: 'image', mimetype: 'image/png' }, 'size'],
    [{ kind: 'image', mimetype: 'image/png', size: 10, extra: 1 }, ''],
  ])('refuses %o with 400 VALIDATION_FAILED', async (body, path) => {
    const id = await h.createSession(token);
    const res = await presign(id, body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: { code: string; details: { issues: { path: string }[] } } };
    expect(answer.error.code).toBe('VALIDATION_FAILED');
    if (path) expect(answer.error.details.issues.map((i) => i.path)).toContain(path);
  });

  it.each([
    ['image', 'application/pdf'],
    ['sticker', 'image/png'],
    ['audio', 'video/mp4'],
    ['video', 'image/png'],
  ])('refuses a %s declared as %s with 415 MEDIA_TYPE_MISMATCH', async (kind, mimetype) => {
    const id = await h.createSession(token);
    const res = await presign(id, { kind, mimetype, size: 10 });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MEDIA_TYPE_MISMATCH');
  });

  it("answers 404 SESSION_NOT_FOUND for another tenant's session", async () => {
    const id = await h.createSession(token);
    const other = await h.adminToken('globex');
    const res = await presign(id, { kind: 'image', mimetype: 'image/png', size: 10 }, other);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SESSION_NOT_FOUND');
  });

  it('counts against the tenant request rate like every route', async () => {
    const limited = await createApiHarness('media-rate', {
      aws: h.aws,
      limits: { requestRate: { perSecond: 0.001, burst: 2 } },
    });
    const t = await limited.adminToken('ratey');
    const id = await limited.createSession(t);
    const body = { kind: 'image', mimetype: 'image/png', size: 10 };
    expect((await limited.request('POST', `/v1/sessions/${id}/media`, { token: t, body })).status).toBe(201);
    const refused = await limited.request('POST', `/v1/sessions/${id}/media`, { token: t, body });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  });
});

describe('the embedded S3 and the signed upload headers', () => {
  // s3rver 3.7.1 verifies no SigV4 signature: a body of another length than the signed
  // content-length is stored anyway. S3 refuses it (SignatureDoesNotMatch); here the
  // send-time check (HEAD size against the kind's limit) is what stops an oversize object.
  it('s3rver stores a PUT whose body differs from the signed length (so the send-time size check is needed)', async () => {
    const id = await h.createSession(token);
    const res = await presign(id, { kind: 'image', mimetype: 'image/png', size: 10 });
    const answer = (await res.json()) as UploadAnswer;
    const put = await fetch(answer.upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: pngBytes(500),
    });
    expect(put.status).toBe(200);
  });
});

describe('GET /v1/sessions/{id}/media/{mediaId}', () => {
  it('redirects (302, no-store) to a presigned GET that downloads the bytes', async () => {
    const id = await h.createSession(token);
    const bytes = pngBytes(64);
    const mediaId = await upload(id, bytes);
    const res = await h.request('GET', `/v1/sessions/${id}/media/${mediaId}`, { token });
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const location = res.headers.get('location') as string;
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(new URL(location).searchParams.get('response-content-disposition')).toBeNull();
    const got = await fetch(location);
    expect(got.status).toBe(200);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
  });

  it('answers 404 MEDIA_NOT_FOUND for an id never uploaded', async () => {
    const id = await h.createSession(token);
    const res = await h.request('GET', `/v1/sessions/${id}/media/med_${'a'.repeat(24)}`, { token });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MEDIA_NOT_FOUND');
  });

  it.each(['med_short', `med_${'A'.repeat(24)}`, `img_${'a'.repeat(24)}`, '..%2F..%2Fauth'])(
    'answers 400 VALIDATION_FAILED for the media id %s',
    async (mediaId) => {
      const id = await h.createSession(token);
      const res = await h.request('GET', `/v1/sessions/${id}/media/${mediaId}`, { token });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    },
  );

  it("tenant B can fetch tenant A's media neither through A's session nor through its own", async () => {
    const a = await h.createSession(token);
    const mediaId = await upload(a, pngBytes());
    const other = await h.adminToken('globex');
    const b = await h.createSession(other);
    const viaA = await h.request('GET', `/v1/sessions/${a}/media/${mediaId}`, { token: other });
    expect(viaA.status).toBe(404);
    expect(((await viaA.json()) as { error: { code: string } }).error.code).toBe('SESSION_NOT_FOUND');
    const viaB = await h.request('GET', `/v1/sessions/${b}/media/${mediaId}`, { token: other });
    expect(viaB.status).toBe(404);
    expect(((await viaB.json()) as { error: { code: string } }).error.code).toBe('MEDIA_NOT_FOUND');
  });
});

describe('DELETE of a session', () => {
  it("removes the session's media and leaves other sessions' media alone", async () => {
    const doomed = await h.createSession(token);
    const kept = await h.createSession(token);
    await upload(doomed, pngBytes());
    await upload(doomed, pngBytes(10));
    await upload(kept, pngBytes());
    expect(await h.mediaObjects('acme', doomed)).toHaveLength(2);
    expect((await h.request('DELETE', `/v1/sessions/${doomed}`, { token })).status).toBe(204);
    expect(await h.mediaObjects('acme', doomed)).toEqual([]);
    expect(await h.mediaObjects('acme', kept)).toHaveLength(1);
  });

  it('fails (and keeps the fenced record for a repeat) when the media cannot be removed, then a repeat finishes', async () => {
    const id = await h.createSession(token);
    await upload(id, pngBytes());
    const store = h.media.store;
    const wipe = store.wipePrefix.bind(store);
    let failures = 1;
    store.wipePrefix = async (prefix) => {
      if (failures-- > 0) throw new Error('s3 refused the delete');
      return wipe(prefix);
    };
    try {
      const first = await h.request('DELETE', `/v1/sessions/${id}`, { token });
      expect(first.status).toBe(500);
      expect(await h.record(id)).toBeDefined();
      expect(await h.mediaObjects('acme', id)).toHaveLength(1);
      expect((await h.request('DELETE', `/v1/sessions/${id}`, { token })).status).toBe(204);
      expect(await h.record(id)).toBeUndefined();
      expect(await h.mediaObjects('acme', id)).toEqual([]);
    } finally {
      store.wipePrefix = wipe;
    }
  });
});

// Objects put straight into the bucket (as a host stores received media) are served the same way.
describe('received media', () => {
  it('is downloadable through the same redirect', async () => {
    const id = await h.createSession(token);
    const mediaId = `med_${'b'.repeat(24)}`;
    await h.aws.s3.send(
      new PutObjectCommand({
        Bucket: h.aws.mediaBucket,
        Key: mediaObjectKey('acme', id, mediaId),
        Body: 'hello',
        ContentType: 'text/plain',
      }),
    );
    const res = await h.request('GET', `/v1/sessions/${id}/media/${mediaId}`, { token });
    expect(res.status).toBe(302);
    expect(await (await fetch(res.headers.get('location') as string)).text()).toBe('hello');
  });

  it.each(['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/plain'])(
    'a contact’s %s is served as a download of opaque bytes, never rendered from the bucket’s origin',
    async (contentType) => {
      const id = await h.createSession(token);
      const mediaId = `med_${'c'.repeat(24)}`;
      await h.aws.s3.send(
        new PutObjectCommand({
          Bucket: h.aws.mediaBucket,
          Key: mediaObjectKey('acme', id, mediaId),
          Body: '<script>parent.pwned = 1</script>',
          ContentType: contentType,
        }),
      );
      const res = await h.request('GET', `/v1/sessions/${id}/media/${mediaId}`, { token });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location') as string);
      expect(location.searchParams.get('response-content-disposition')).toBe('attachment');
      expect(location.searchParams.get('response-content-type')).toBe('application/octet-stream');
      const got = await fetch(location);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-disposition')).toBe('attachment');
      expect(got.headers.get('content-type')).toBe('application/octet-stream');
      expect(await got.text()).toBe('<script>parent.pwned = 1</script>');
    },
  );
});
