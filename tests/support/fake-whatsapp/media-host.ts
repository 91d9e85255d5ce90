import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { FakeEvents } from './context.ts';
import type { FakeMediaKind } from './media-crypto.ts';
import { createTestCa, type TestCa } from './test-ca.ts';

/** Largest upload the host accepts: a 100 MB document plus AES padding and the MAC. */
export const MEDIA_UPLOAD_LIMIT_BYTES = 100 * 1024 * 1024 + 64;

/** Stable codes of the host's refusals (`{error, code}` JSON without `url`, which Baileys treats as a failed upload). */
export type MediaHostErrorCode = 'BAD_AUTH' | 'HASH_MISMATCH' | 'TOO_LARGE' | 'NOT_FOUND' | 'BAD_METHOD';

/** Baileys uploads stickers to `/mms/image`; `sticker` is accepted too. */
const UPLOAD_PATH = /^\/mms\/(image|video|audio|document|sticker)\/([A-Za-z0-9_-]+)$/;

// The media-type segment real direct paths carry (t62.<code>-24), so paths look like WhatsApp's.
const DIRECT_PATH_CODE: Record<FakeMediaKind, string> = {
  image: '7118',
  video: '7161',
  audio: '7114',
  document: '7119',
  sticker: '15575',
};

/** One encrypted file the host serves at `directPath`. */
export interface HostedMedia {
  /** `/v/t62…/…_n.enc?ccb=…` as WhatsApp's upload answer's `direct_path`. */
  readonly directPath: string;
  /** `https://127.0.0.1:PORT{directPath}&mms3=true`. */
  readonly url: string;
  /** Where the encrypted bytes are on disk. */
  readonly file: string;
  readonly size: number;
  /** Who put it there: a Baileys client's upload or a fake contact's `sendMedia`. */
  readonly source: 'upload' | 'contact';
  /** When set, GETs answer this status instead of the file (media expired on WhatsApp). */
  status?: 404 | 410;
}

export interface MediaHost {
  /** `127.0.0.1:PORT` as `media_conn` announces it. */
  readonly hostname: string;
  readonly port: number;
  /** The upload `auth` token `media_conn` hands out; uploads with another one get 401. */
  readonly auth: string;
  /** PEM path of the throwaway CA that signed the host's certificate (what hosts get as ZAPFLEET_MEDIA_CA_FILE). */
  readonly caFile: string;
  readonly caPem: string;
  /** The tmp dir holding the CA, the stored files and large decrypted plaintexts; removed on close. */
  readonly dir: string;
  /** Stores an encrypted file the fake made itself (it is moved under the host's dir by the caller). */
  host(kind: FakeMediaKind, file: string, size: number, source: HostedMedia['source']): HostedMedia;
  /** Finds a hosted file by direct path or url (query ignored); undefined when not ours. */
  find(ref: string): HostedMedia | undefined;
  /** Makes a hosted file answer `status` (default 410) from now on; false when unknown. */
  expire(ref: string, status?: 404 | 410): boolean;
  /** A fresh file path inside the host's dir. */
  tempFile(suffix: string): string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function refuse(res: ServerResponse, status: number, code: MediaHostErrorCode, error: string): void {
  sendJson(res, status, { error, code });
}

function digits(length: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < length) out += String(randomInt(0, 10));
  return out;
}

function pathnameOf(ref: string, hostname: string): string | undefined {
  if (ref.startsWith('/')) return ref.split('?')[0];
  try {
    const url = new URL(ref);
    return url.host === hostname ? url.pathname : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the HTTPS media host on 127.0.0.1 with a fresh test CA (needs the `openssl` CLI). */
export async function startMediaHost(events: EventEmitter<FakeEvents>): Promise<MediaHost> {
  const ca: TestCa = await createTestCa();
  const storeDir = join(ca.dir, 'store');
  await mkdir(storeDir, { mode: 0o700 });
  const auth = randomBytes(24).toString('base64url');
  const files = new Map<string, HostedMedia>();
  let hostname = '';
  let fileCounter = 0;
  const tempFile = (suffix: string) =>
    join(storeDir, `${++fileCounter}-${randomBytes(6).toString('hex')}${suffix}`);

  const host: MediaHost['host'] = (kind, file, size, source) => {
    const name = `${digits(9)}_${digits(16)}_${digits(18)}_n.enc`;
    const query = `ccb=11-4&oh=01_Q5Aa${randomBytes(18).toString('base64url')}&oe=${(Math.floor(Date.now() / 1000) + 30 * 86_400).toString(16).toUpperCase()}&_nc_sid=5e03e0`;
    const pathname = `/v/t62.${DIRECT_PATH_CODE[kind]}-24/${name}`;
    const hosted: HostedMedia = {
      directPath: `${pathname}?${query}`,
      url: `https://${hostname}${pathname}?${query}&mms3=true`,
      file,
      size,
      source,
    };
    files.set(pathname, hosted);
    return hosted;
  };

  const upload = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const match = UPLOAD_PATH.exec(url.pathname);
    if (!match) return refuse(res, 404, 'NOT_FOUND', `no upload path ${url.pathname}`);
    const [, segment, token] = match;
    if (url.searchParams.get('auth') !== auth) {
      events.emit('media-rejected', 'BAD_AUTH');
      return refuse(res, 401, 'BAD_AUTH', 'auth does not match the media_conn token');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MEDIA_UPLOAD_LIMIT_BYTES) {
      events.emit('media-rejected', 'TOO_LARGE');
      return refuse(res, 413, 'TOO_LARGE', `upload over ${MEDIA_UPLOAD_LIMIT_BYTES} bytes`);
    }
    // Streamed to disk while hashing: the fake never holds an upload in memory.
    const file = tempFile('.enc');
    const out = createWriteStream(file, { mode: 0o600 });
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MEDIA_UPLOAD_LIMIT_BYTES) break;
        hash.update(chunk as Buffer);
        if (!out.write(chunk)) await once(out, 'drain');
      }
    } finally {
      out.end();
      await finished(out).catch(() => undefined);
    }
    if (size > MEDIA_UPLOAD_LIMIT_BYTES) {
      await rm(file, { force: true });
      events.emit('media-rejected', 'TOO_LARGE');
      return refuse(res, 413, 'TOO_LARGE', `upload over ${MEDIA_UPLOAD_LIMIT_BYTES} bytes`);
    }
    if (hash.digest('base64url') !== token) {
      await rm(file, { force: true });
      events.emit('media-rejected', 'HASH_MISMATCH');
      return refuse(res, 400, 'HASH_MISMATCH', 'token is not base64url(SHA-256) of the uploaded body');
    }
    const kind = (segment === 'sticker' ? 'sticker' : segment) as FakeMediaKind;
    const hosted = host(kind, file, size, 'upload');
    events.emit('media-uploaded', hosted.directPath, size);
    sendJson(res, 200, { url: hosted.url, direct_path: hosted.directPath });
  };

  const download = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const hosted = files.get(url.pathname);
    if (!hosted) return refuse(res, 404, 'NOT_FOUND', 'no such media');
    if (hosted.status) return refuse(res, hosted.status, 'NOT_FOUND', 'media expired');
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Math.min(Number(range[2]), hosted.size - 1) : hosted.size - 1;
    if (range && start > end) {
      res.writeHead(416, { 'content-range': `bytes */${hosted.size}` });
      return res.end();
    }
    res.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': end - start + 1,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${hosted.size}` } : {}),
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(hosted.file, { start, end })
      .on('error', (err) => res.destroy(err))
      .pipe(res);
  };

  const server: Server = createServer({ key: ca.keyPem, cert: ca.certPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const handled =
      req.method === 'POST'
        ? upload(req, res, url)
        : req.method === 'GET' || req.method === 'HEAD'
          ? download(req, res, url)
          : refuse(res, 405, 'BAD_METHOD', `${req.method} not allowed`);
    Promise.resolve(handled).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
  } catch (err) {
    await ca.remove();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  hostname = `127.0.0.1:${port}`;

  return {
    hostname,
    port,
    auth,
    caFile: ca.caFile,
    caPem: ca.caPem,
    dir: ca.dir,
    host,
    find(ref) {
      const pathname = pathnameOf(ref, hostname);
      return pathname ? files.get(pathname) : undefined;
    },
    expire(ref, status = 410) {
      const pathname = pathnameOf(ref, hostname);
      const hosted = pathname ? files.get(pathname) : undefined;
      if (hosted) hosted.status = status;
      return Boolean(hosted);
    },
    tempFile,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      files.clear();
      await ca.remove();
    },
  };
}
