import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnknownDeviceError } from './close-paths.ts';
import { MediaOptionsError, type SendMediaOptions } from './contact-media.ts';
import { GROUP_CONTROL_ROUTES, GroupControlError } from './groups-control.ts';
import { FAKE_MEDIA_KINDS, type FakeMediaKind } from './media-crypto.ts';
import { PairingError } from './pairing.ts';
import type { FakeWhatsApp } from './server.ts';

export interface ControlServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

class BadRequestError extends Error {}

/** Largest JSON body the control API reads (base64 media included); bigger files go by `filePath`. */
export const CONTROL_BODY_LIMIT_BYTES = 24 * 1024 * 1024;

class BodyTooLargeError extends Error {}

const CORRUPTIONS = ['mac', 'enc-hash', 'plaintext-hash'] as const;

function mediaOptions(body: Json): SendMediaOptions {
  const kind = str(body, 'kind') as FakeMediaKind;
  if (!FAKE_MEDIA_KINDS.includes(kind))
    throw new BadRequestError(`kind must be one of ${FAKE_MEDIA_KINDS.join(', ')}`);
  const base64 = str(body, 'base64', false);
  const filePath = str(body, 'filePath', false);
  if (Boolean(base64) === Boolean(filePath))
    throw new BadRequestError('exactly one of base64 and filePath is required');
  const corrupt = body.corrupt;
  if (corrupt !== undefined && !CORRUPTIONS.includes(corrupt as (typeof CORRUPTIONS)[number]))
    throw new BadRequestError(`corrupt must be one of ${CORRUPTIONS.join(', ')}`);
  const expired = body.expired;
  if (expired !== undefined && expired !== true && expired !== false && expired !== 404 && expired !== 410)
    throw new BadRequestError('expired must be a boolean, 404 or 410');
  const optional = <T>(key: string, type: string): T | undefined => {
    if (body[key] === undefined) return undefined;
    if (typeof body[key] !== type) throw new BadRequestError(`${key} must be a ${type}`);
    return body[key] as T;
  };
  const caption = optional<string>('caption', 'string');
  const fileName = optional<string>('fileName', 'string');
  const ptt = optional<boolean>('ptt', 'boolean');
  const seconds = optional<number>('seconds', 'number');
  return {
    kind,
    ...(base64 ? { bytes: Buffer.from(base64, 'base64') } : { filePath }),
    mimetype: str(body, 'mimetype'),
    ...(caption !== undefined ? { caption } : {}),
    ...(fileName !== undefined ? { fileName } : {}),
    ...(ptt !== undefined ? { ptt } : {}),
    ...(seconds !== undefined ? { seconds } : {}),
    ...(corrupt ? { corrupt: corrupt as SendMediaOptions['corrupt'] } : {}),
    ...(expired ? { expired: expired as SendMediaOptions['expired'] } : {}),
  };
}

type Json = Record<string, unknown>;
type Route = (fake: FakeWhatsApp, body: Json, params: string[]) => unknown | Promise<unknown>;

function str(body: Json, key: string, required = true): string {
  const value = body[key];
  if (typeof value === 'string' && value) return value;
  if (required) throw new BadRequestError(`${key} is required`);
  return '';
}

const ROUTES: Array<[method: string, pattern: RegExp, route: Route]> = [
  ...GROUP_CONTROL_ROUTES,
  ['GET', /^\/health$/, (fake) => ({ ok: true, wsUrl: fake.url })],
  [
    'POST',
    /^\/users$/,
    (fake, body) =>
      fake.createUser({
        pn: str(body, 'pn', false) || undefined,
        name: str(body, 'name', false) || undefined,
      }),
  ],
  [
    'POST',
    /^\/scan$/,
    (fake, body) =>
      fake.scanQr(str(body, 'qr'), str(body, 'phone', false) ? { phone: str(body, 'phone') } : {}),
  ],
  ['POST', /^\/qr\/expire$/, (fake) => ({ expired: fake.expireQrRefs() })],
  [
    'POST',
    /^\/pairing-code$/,
    // The phone's owner types the code zapfleet showed; resolves once the device is linked (after 515).
    (fake, body) => fake.enterPairingCode(str(body, 'pn'), str(body, 'code')),
  ],
  [
    'POST',
    /^\/messages$/,
    async (fake, body) => {
      const addressing = body.addressing === 'lid' ? 'lid' : 'pn';
      return {
        id: await fake.sendText(str(body, 'from'), str(body, 'to'), str(body, 'text'), { addressing }),
      };
    },
  ],
  [
    'POST',
    /^\/users\/(\d+)\/media$/,
    // A contact sends media: {to, kind, mimetype, base64 | filePath, caption?, fileName?, ptt?, seconds?, corrupt?, expired?, addressing?}
    async (fake, body, [pn]) => ({
      id: await fake.sendMedia(pn!, str(body, 'to'), {
        ...mediaOptions(body),
        addressing: body.addressing === 'lid' ? 'lid' : 'pn',
      }),
    }),
  ],
  [
    'GET',
    /^\/users\/(\d+)\/inbox$/,
    (fake, _body, [pn]) =>
      fake.inbox(pn!).map(({ id, from, to, text, deviceSent, media }) => ({
        id,
        from,
        to,
        text,
        deviceSent,
        // Without the bytes: a summary a dashboard can show and a script can compare hashes with.
        ...(media ? { media: { ...media, bytes: undefined } } : {}),
      })),
  ],
  [
    'POST',
    /^\/receipts$/,
    (fake, body) => {
      const ids = body.ids;
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
        throw new BadRequestError('ids must be strings');
      return {
        sent: fake.sendReceipt(
          str(body, 'from'),
          str(body, 'to'),
          ids,
          body.type === 'read' ? 'read' : undefined,
        ),
      };
    },
  ],
  ['GET', /^\/receipts$/, (fake) => fake.receipts],
  ['GET', /^\/devices$/, (fake) => fake.linkedDevices()],
  ['GET', /^\/connections$/, (fake) => fake.connections()],
  ['POST', /^\/devices\/([^/]+)\/remove$/, (fake, _b, [jid]) => ({ connected: fake.removeDevice(jid!) })],
  ['POST', /^\/devices\/([^/]+)\/conflict$/, (fake, _b, [jid]) => fake.replaceConnection(jid!)],
  ['POST', /^\/devices\/([^/]+)\/drop$/, (fake, _b, [jid]) => fake.dropConnection(jid!)],
  ['POST', /^\/devices\/([^/]+)\/end-stream$/, (fake, _b, [jid]) => fake.endStream(jid!)],
  ['POST', /^\/devices\/([^/]+)\/stop-pings$/, (fake, _b, [jid]) => fake.stopAnsweringPings(jid!)],
  [
    'POST',
    /^\/devices\/([^/]+)\/failure$/,
    (fake, body, [jid]) => fake.sendFailure(jid!, typeof body.reason === 'number' ? body.reason : 503),
  ],
  [
    'POST',
    /^\/history$/,
    async (fake, body) => ({
      id: await fake.injectHistorySync(str(body, 'pn'), {
        messages: Array.isArray(body.messages) ? body.messages : [],
      }),
    }),
  ],
];

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      if (length > CONTROL_BODY_LIMIT_BYTES) return; // already refused: drain the rest unread
      length += chunk.length;
      if (length > CONTROL_BODY_LIMIT_BYTES) {
        chunks.length = 0;
        reject(
          new BodyTooLargeError(`body over ${CONTROL_BODY_LIMIT_BYTES} bytes; send big files by filePath`),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<Json> {
  const raw = await readBody(req);
  if (!raw.length) return {};
  const parsed: unknown = JSON.parse(raw.toString('utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new BadRequestError('body must be an object');
  return parsed as Json;
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload ?? { ok: true }));
}

function statusOf(err: unknown): number {
  if (
    err instanceof SyntaxError ||
    err instanceof BadRequestError ||
    err instanceof PairingError ||
    err instanceof MediaOptionsError
  )
    return 400;
  if (err instanceof BodyTooLargeError) return 413;
  if (err instanceof GroupControlError) return err.status;
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 400;
  if (err instanceof UnknownDeviceError || (err instanceof Error && err.message.startsWith('unknown user')))
    return 404;
  return 500;
}

/** The fake's control API over HTTP (loopback only): what a demo phone or another process drives. */
export async function startControlServer(
  fake: FakeWhatsApp,
  options: { port?: number } = {},
): Promise<ControlServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const match = ROUTES.find(([method, pattern]) => method === req.method && pattern.test(path));
    if (!match) {
      send(res, 404, { error: `no route ${req.method} ${path}` });
      return;
    }
    const [, pattern, route] = match;
    const params = (pattern.exec(path) ?? []).slice(1);
    readJson(req)
      .then((body) => route(fake, body, params))
      .then((result) => send(res, 200, result))
      .catch((err: unknown) =>
        send(res, statusOf(err), { error: err instanceof Error ? err.message : String(err) }),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
