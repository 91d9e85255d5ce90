import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Connection, rejectHandshake } from './connection.ts';
import {
  type ConnectionInfo,
  connectEvent,
  disconnectEvent,
  messageEvent,
  newConnectionId,
  type WebSocketLambdaHandler,
} from './lambda-events.ts';
import { createManagementApi } from './management-api.ts';
import { selectRoute } from './route-selection.ts';

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
  /** The next `count` PostToConnection calls answer 429 LimitExceededException. */
  throttlePosts(count: number): void;
  /** PostToConnection calls received so far, throttled ones included. */
  postAttempts(): number;
  stop(): Promise<void>;
}

const KB = 1024;

async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server.address() as AddressInfo;
}

// Long on purpose: a list of small named handlers (invoke, touch, onMessage, onClose, accept,
// onUpgrade) closing over one gateway's state (connections, domain name, timers, settings);
// as module functions each would take that whole state as arguments.
export async function startWebSocketGateway(options: GatewayOptions): Promise<LocalWebSocketGateway> {
  const stage = options.stage ?? 'local';
  const maxBytes = options.maxMessageBytes ?? 128 * KB;
  const idleMs = options.idleTimeoutMs ?? 10 * 60_000;
  const lifeMs = options.maxConnectionMs ?? 2 * 60 * 60_000;
  const routes = new Set(options.routes);
  const log = options.log ?? (() => undefined);
  const connections = new Map<string, Connection>();
  // Sockets whose `$connect` is still running: not connections yet, but `server.close()` waits
  // for them, so `stop()` destroys them (a handler that never answers would hang it forever).
  const upgrading = new Set<Socket>();
  let stopped = false;
  // As in AWS, the subprotocol the handshake selects is the one `$connect` answers in its
  // Sec-WebSocket-Protocol header (none: none, and a browser then drops the connection).
  const selected = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxBytes,
    handleProtocols: (offered, req) => {
      const protocol = selected.get(req);
      return protocol !== undefined && offered.has(protocol) ? protocol : false;
    },
  });
  const management = createManagementApi({ connections, maxMessageBytes: maxBytes });
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

  const onMessage = (conn: Connection, data: Buffer): void => {
    touch(conn);
    const body = data.toString('utf8');
    conn.queue = conn.queue.then(async () => {
      const event = messageEvent(base(conn.info), selectRoute(body, routes), body);
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

  const onClose = (conn: Connection, code: number, reason: Buffer): void => {
    connections.delete(conn.info.connectionId);
    clearTimeout(conn.lifeTimer);
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    conn.queue = conn.queue.then(async () => {
      await invoke(disconnectEvent(base(conn.info), code, reason.toString('utf8') || 'Connection closed'));
    });
  };

  const accept = (info: ConnectionInfo, ws: WebSocket): void => {
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
    ws.once('close', (code: number, reason: Buffer) => onClose(conn, code, reason));
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
    if (stopped) return void socket.destroy();
    const status = result?.statusCode ?? 200;
    if (status < 200 || status > 299) return rejectHandshake(socket, status, result?.body ?? '');
    const protocol = Object.entries(result?.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'sec-websocket-protocol',
    )?.[1];
    if (protocol) selected.set(req, protocol);
    wss.handleUpgrade(req, socket, head, (ws) => accept(info, ws));
  };

  const server: Server = createServer((req, res) => {
    management.handle(req, res).catch((err: unknown) => {
      log('management api failed', { err });
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('upgrade', (req, socket: Socket, head) => {
    if (stopped) return void socket.destroy();
    upgrading.add(socket);
    onUpgrade(req, socket, head)
      .catch(() => socket.destroy())
      .finally(() => upgrading.delete(socket));
  });
  const { port, address } = await listen(server, options.port, options.host ?? '127.0.0.1');
  domainName = `${address}:${port}`;
  return {
    url: `ws://${address}:${port}/${stage}`,
    managementEndpoint: `http://${address}:${port}/${stage}`,
    connectionCount: () => connections.size,
    throttlePosts: (count) => management.throttlePosts(count),
    postAttempts: () => management.postAttempts(),
    stop: async () => {
      stopped = true;
      for (const socket of upgrading) socket.destroy();
      for (const conn of connections.values()) conn.socket.terminate();
      await Promise.all([...connections.values()].map((c) => c.queue));
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
