/**
 * Clients of zapfleet's public interfaces only (HTTP API, WebSocket, the fake
 * WhatsApp control API): what `npm run flow` and the end-to-end test drive the
 * system with. Nothing here imports product code.
 */
import WebSocket from 'ws';

export type Json = Record<string, unknown>;

export class FlowError extends Error {
  override readonly name = 'FlowError';
}

export interface HttpResult {
  readonly status: number;
  readonly body: Json;
}

export interface ApiClient {
  request(method: string, path: string, body?: unknown): Promise<HttpResult>;
  /** Like `request`, but fails unless the status is `expected`. */
  expect(expected: number, method: string, path: string, body?: unknown): Promise<Json>;
}

async function call(url: string, init: RequestInit): Promise<HttpResult> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let body: Json;
  try {
    body = text ? (JSON.parse(text) as Json) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

function checked(expected: number, what: string, result: HttpResult): Json {
  if (result.status !== expected)
    throw new FlowError(
      `${what} answered ${result.status}, expected ${expected}: ${JSON.stringify(result.body)}`,
    );
  return result.body;
}

export function createApiClient(apiUrl: string, token: string): ApiClient {
  const request = (method: string, path: string, body?: unknown): Promise<HttpResult> =>
    call(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  return {
    request,
    expect: async (expected, method, path, body) =>
      checked(expected, `${method} ${path}`, await request(method, path, body)),
  };
}

/** What a contact received, as the fake's inbox shows it (`media` checked and decrypted by the contact). */
export interface InboxEntry {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly deviceSent?: boolean;
  readonly media?: {
    readonly kind: string;
    readonly mimetype: string;
    readonly caption?: string;
    readonly fileName?: string;
    readonly ptt?: boolean;
    readonly verified: boolean;
    readonly size: number;
    /** Hex SHA-256 of the plaintext the contact decrypted. */
    readonly sha256: string;
    readonly error?: { readonly check: string; readonly message: string };
  };
}

/** A contact's media for the fake's `POST /users/{pn}/media` (see tests/support/fake-whatsapp/README.md). */
export interface ContactMedia {
  readonly to: string;
  readonly kind: string;
  readonly mimetype: string;
  readonly base64: string;
  readonly caption?: string;
  readonly fileName?: string;
  readonly ptt?: boolean;
  /** Duration of audio and video. */
  readonly seconds?: number;
  /** Makes exactly that check fail for the receiver. */
  readonly corrupt?: 'mac' | 'enc-hash' | 'plaintext-hash';
  /** The media host answers this status for the file, as WhatsApp does once media expired. */
  readonly expired?: true | 404 | 410;
}

/** The fake WhatsApp server's HTTP control API (demo mode). */
export interface ControlClient {
  createUser(pn?: string, name?: string): Promise<{ pn: string; name: string }>;
  scan(qr: string, phone: string): Promise<Json>;
  /** The phone `pn` types a pairing code: resolves once the device is linked. */
  enterPairingCode(pn: string, code: string): Promise<Json>;
  sendText(from: string, to: string, text: string): Promise<{ id: string }>;
  /** The contact `from` sends media; resolves with the WhatsApp message id. */
  sendMedia(from: string, media: ContactMedia): Promise<{ id: string }>;
  inbox(pn: string): Promise<InboxEntry[]>;
}

export function createControlClient(controlUrl: string): ControlClient {
  const post = async (path: string, body: unknown): Promise<Json> =>
    checked(
      200,
      `control POST ${path}`,
      await call(`${controlUrl}${path}`, { method: 'POST', body: JSON.stringify(body) }),
    );
  return {
    createUser: async (pn, name) =>
      (await post('/users', { ...(pn && { pn }), ...(name && { name }) })) as { pn: string; name: string },
    scan: (qr, phone) => post('/scan', { qr, phone }),
    enterPairingCode: (pn, code) => post('/pairing-code', { pn, code }),
    sendText: async (from, to, text) => (await post('/messages', { from, to, text })) as { id: string },
    sendMedia: async (from, media) =>
      (await post(`/users/${encodeURIComponent(from)}/media`, media)) as { id: string },
    async inbox(pn) {
      const res = await fetch(`${controlUrl}/users/${encodeURIComponent(pn)}/inbox`, {
        signal: AbortSignal.timeout(15_000),
      });
      if (res.status !== 200) throw new FlowError(`control GET inbox of ${pn} answered ${res.status}`);
      return (await res.json()) as InboxEntry[];
    },
  };
}

/** One WebSocket connection that records every message it receives. */
export interface EventStream {
  readonly received: readonly Json[];
  send(message: Json): void;
  /** The first received message at index ≥ `from` that `accept` takes; fails after `timeoutMs`. */
  waitFor(accept: (m: Json) => boolean, what: string, timeoutMs: number, from?: number): Promise<Json>;
  /** Subscribes and waits for `subscribed`. */
  subscribe(sessionId: string, timeoutMs?: number): Promise<Json>;
  close(): Promise<void>;
}

export function openEventStream(wsUrl: string, token: string): Promise<EventStream> {
  const url = new URL(wsUrl);
  url.searchParams.set('token', token);
  const socket = new WebSocket(url);
  const received: Json[] = [];
  const waiters = new Set<() => void>();
  let closed = false;
  const closedPromise = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      for (const w of waiters) w();
      resolve();
    }),
  );
  socket.on('message', (data: Buffer) => {
    try {
      received.push(JSON.parse(data.toString('utf8')) as Json);
    } catch {
      received.push({ raw: data.toString('utf8') });
    }
    for (const w of waiters) w();
  });
  const stream: EventStream = {
    received,
    send: (message) => socket.send(JSON.stringify(message)),
    waitFor: (accept, what, timeoutMs, from = 0) =>
      new Promise((resolve, reject) => {
        const find = (): Json | undefined => received.slice(from).find(accept);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new FlowError(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const check = (): void => {
          const found = find();
          if (found) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(found);
          } else if (closed) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new FlowError(`the WebSocket closed while waiting for ${what}`));
          }
        };
        waiters.add(check);
        check();
      }),
    async subscribe(sessionId, timeoutMs = 10_000) {
      const from = received.length;
      stream.send({ action: 'subscribe', sessionId });
      const answer = await stream.waitFor(
        (m) => m.sessionId === sessionId && (m.type === 'subscribed' || m.type === 'error'),
        `the answer to subscribe ${sessionId}`,
        timeoutMs,
        from,
      );
      if (answer.type === 'error') throw new FlowError(`subscribe refused: ${JSON.stringify(answer)}`);
      return answer;
    },
    async close() {
      if (!closed) socket.close();
      await closedPromise;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(stream));
    socket.once('unexpected-response', (_req, res) =>
      reject(new FlowError(`WebSocket handshake refused with HTTP ${res.statusCode}`)),
    );
    socket.once('error', (err) => reject(new FlowError(`WebSocket failed: ${err.message}`, { cause: err })));
  });
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function poll<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new FlowError(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
