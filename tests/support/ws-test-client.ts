import WebSocket from 'ws';

/** A WebSocket client for tests that records every message and lets a test wait for one. */
export interface TestWsClient {
  readonly socket: WebSocket;
  readonly messages: Record<string, unknown>[];
  send(message: unknown): void;
  waitFor(
    predicate: (m: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  waitForCount(
    predicate: (m: Record<string, unknown>) => boolean,
    count: number,
    timeoutMs?: number,
  ): Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function connectWs(url: string): Promise<TestWsClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const messages: Record<string, unknown>[] = [];
    const waiters = new Set<() => void>();
    socket.on('message', (data: Buffer) => {
      try {
        messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
      } catch {
        messages.push({ raw: data.toString('utf8') });
      }
      for (const w of waiters) w();
    });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      socket.once('close', (code: number, reason: Buffer) => {
        r({ code, reason: reason.toString() });
        for (const w of waiters) w();
      }),
    );
    const waitUntil = (check: () => boolean, timeoutMs: number, what: string): Promise<void> =>
      new Promise((res, rej) => {
        if (check()) return res();
        const timer = setTimeout(() => {
          waiters.delete(tick);
          rej(new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages).slice(0, 800)}`));
        }, timeoutMs);
        const tick = (): void => {
          if (!check()) return;
          clearTimeout(timer);
          waiters.delete(tick);
          res();
        };
        waiters.add(tick);
      });
    const client: TestWsClient = {
      socket,
      messages,
      closed,
      send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
      waitFor: async (predicate, timeoutMs = 10_000) => {
        await waitUntil(() => messages.some(predicate), timeoutMs, 'a matching message');
        return messages.find(predicate) as Record<string, unknown>;
      },
      waitForCount: (predicate, count, timeoutMs = 15_000) =>
        waitUntil(() => messages.filter(predicate).length >= count, timeoutMs, `${count} matching messages`),
      close: async () => {
        if (socket.readyState === WebSocket.CLOSED) return;
        socket.close();
        await closed;
      },
    };
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_req, res) => {
      reject(
        Object.assign(new Error(`handshake rejected with ${res.statusCode}`), { statusCode: res.statusCode }),
      );
    });
    socket.once('error', (err) => reject(err));
  });
}
