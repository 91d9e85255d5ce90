import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  type ConnectionInfo,
  connectEvent,
  disconnectEvent,
  messageEvent,
  newConnectionId,
  type WebSocketLambdaHandler,
} from './lambda-events.ts';

/**
 * A local stand-in for an API Gateway WebSocket API: it runs the same Lambda
 * handler export as the cloud, with AWS's event shapes, route selection on
 * `$request.body.action`, and the `@connections` management API that
 * `ApiGatewayManagementApiClient` calls. Limits follow the real service.
 */
export interface GatewayOptions {
  readonly port: number;
  readonly host?: string;
  readonly stage?: string;
  readonly handler: WebSocketLambdaHandler;
  /** Custom route keys besides $connect/$disconnect/$default. */
  readonly routes: readonly string[];
  /** 128 KB in AWS: larger client frames close with 1009, larger posts get 413. */
  readonly maxMessageBytes?: number;
  /** 10 minutes in AWS. */
  readonly idleTimeoutMs?: number;
  /** 2 hours in AWS. */
  readonly maxConnectionMs?: number;
  readonly log?: (msg: string, data?: Record<string, unknown>) => void;
}

export interface LocalWebSocketGateway {
  /** Where clients connect: `ws://host:port/{stage}`. */
  readonly url: string;
  /** What `ApiGatewayManagementApiClient({ endpoint })` takes: `http://host:port/{stage}`. */
  readonly managementEndpoint: string;
  readonly connectionCount: () => number;
  stop(): Promise<void>;
}

interface Connection {
  readonly info: ConnectionInfo;
  readonly socket: WebSocket;
  lastActiveAt: number;
  queue: Promise<void>;
  idleTimer: NodeJS.Timeout | undefined;
  readonly lifeTimer: NodeJS.Timeout;
}

const KB = 1024;

export async function startWebSocketGateway(options: GatewayOptions): Promise<LocalWebSocketGateway> {
  const stage = options.stage ?? 'local';
  const maxBytes = options.maxMessageBytes ?? 128 * KB;
  const idleMs = options.idleTimeoutMs ?? 10 * 60_000;
  const lifeMs = options.maxConnectionMs ?? 2 * 60 * 60_000;
  const routes = new Set(options.routes);
  const log = options.log ?? (() => undefined);
  const connections = new Map<string, Connection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBytes });
  let domainName = '127.0.0.1';

  const invoke = async (event: Parameters<WebSocketLambdaHandler>[0]) => {
    try {
      return await options.handler(event, { awsRequestId: event.requestContext.requestId });
    } catch (err) {
      log('websocket handler threw', { routeKey: event.requestContext.routeKey, err });
      return { statusCode: 500 };
    }
  };

  const base = (info: ConnectionInfo) => ({ info, domainName, stage });

  const touch = (conn: Connection): void => {
    conn.lastActiveAt = Date.now();
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    conn.idleTimer = setTimeout(() => conn.socket.close(1001, 'Going away'), idleMs);
  };

  const routeOf = (body: string): string => {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && 'action' in parsed) {
        const action = (parsed as { action: unknown }).action;
        if (typeof action === 'string' && routes.has(action)) return action;
      }
    } catch {
      // Not JSON: API Gateway falls back to $default as well.
    }
    return '$default';
  };

  const onMessage = (conn: Connection, data: Buffer): void => {
    touch(conn);
    const body = data.toString('utf8');
    conn.queue = conn.queue.then(async () => {
      const event = messageEvent(base(conn.info), routeOf(body), body);
      const result = await invoke(event);
      if (result && (result.statusCode ?? 200) >= 500 && conn.socket.readyState === conn.socket.OPEN) {
        conn.socket.send(
          JSON.stringify({
            message: 'Internal server error',
            connectionId: conn.info.connectionId,
            requestId: event.requestContext.requestId,
          }),
        );
      }
    });
  };

  const onUpgrade = async (req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const info: ConnectionInfo = {
      connectionId: newConnectionId(),
      connectedAt: Date.now(),
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      userAgent: req.headers['user-agent'],
    };
    const result = await invoke(connectEvent(base(info), req.headers, url.searchParams));
    const status = result?.statusCode ?? 200;
    if (status < 200 || status > 299) {
      const body = result?.body ?? '';
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Error'}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Connection = {
        info,
        socket: ws,
        lastActiveAt: Date.now(),
        queue: Promise.resolve(),
        idleTimer: undefined,
        lifeTimer: setTimeout(() => ws.close(1001, 'Going away'), lifeMs),
      };
      connections.set(info.connectionId, conn);
      touch(conn);
      ws.on('message', (data: Buffer) => onMessage(conn, data));
      ws.on('error', () => undefined);
      ws.once('close', (code: number, reason: Buffer) => {
        connections.delete(info.connectionId);
        clearTimeout(conn.lifeTimer);
        if (conn.idleTimer) clearTimeout(conn.idleTimer);
        conn.queue = conn.queue.then(async () => {
          await invoke(disconnectEvent(base(info), code, reason.toString('utf8') || 'Connection closed'));
        });
      });
    });
  };

  const manage = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const match = /^(?:\/[^/]+)?\/@connections\/([^/]+)$/.exec(url.pathname);
    const reply = (status: number, body?: unknown, errorType?: string): void => {
      const headers: Record<string, string> = { 'x-amzn-requestid': randomUUID() };
      if (errorType) headers['x-amzn-errortype'] = errorType;
      if (body !== undefined) headers['content-type'] = 'application/json';
      res.writeHead(status, headers).end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (!match?.[1]) return reply(404, { message: 'Not Found' }, 'NotFoundException');
    const id = decodeURIComponent(match[1]);
    const conn = connections.get(id);
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        chunks.push(chunk as Buffer);
      }
      if (size > maxBytes) return reply(413, { message: 'Payload too large' }, 'PayloadTooLargeException');
      if (!conn || conn.socket.readyState !== conn.socket.OPEN)
        return reply(410, { message: 'Gone' }, 'GoneException');
      const payload = Buffer.concat(chunks);
      await new Promise<void>((resolve) => conn.socket.send(payload, { binary: false }, () => resolve()));
      return reply(200);
    }
    if (!conn) return reply(410, { message: 'Gone' }, 'GoneException');
    if (req.method === 'GET') {
      return reply(200, {
        connectedAt: new Date(conn.info.connectedAt).toISOString(),
        lastActiveAt: new Date(conn.lastActiveAt).toISOString(),
        identity: { sourceIp: conn.info.sourceIp, userAgent: conn.info.userAgent },
      });
    }
    if (req.method === 'DELETE') {
      conn.socket.close(1000, 'Connection deleted');
      return reply(204);
    }
    return reply(405, { message: 'Method not allowed' });
  };

  const server: Server = createServer((req, res) => {
    manage(req, res).catch((err: unknown) => {
      log('management api failed', { err });
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    onUpgrade(req, socket as Socket, head).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  domainName = `${address}:${port}`;
  return {
    url: `ws://${address}:${port}/${stage}`,
    managementEndpoint: `http://${address}:${port}/${stage}`,
    connectionCount: () => connections.size,
    stop: async () => {
      for (const conn of connections.values()) conn.socket.terminate();
      await Promise.all([...connections.values()].map((c) => c.queue));
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
