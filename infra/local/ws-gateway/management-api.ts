import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Connection } from './connection.ts';

export interface ManagementApiOptions {
  readonly connections: ReadonlyMap<string, Connection>;
  readonly maxMessageBytes: number;
}

/**
 * The `@connections` management API that `ApiGatewayManagementApiClient`
 * calls: `POST|GET|DELETE [/{stage}]/@connections/{id}`. A stale id answers
 * 410 with `x-amzn-errortype: GoneException` (a bare 410 reaches the SDK as
 * `Unknown`); a post over the limit answers 413.
 */
export interface ManagementApi {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The next `count` PostToConnection calls answer 429 LimitExceededException, as a throttled API does. */
  throttlePosts(count: number): void;
  /** PostToConnection calls received so far, throttled ones included. */
  postAttempts(): number;
}

const CONNECTION_PATH = /^(?:\/[^/]+)?\/@connections\/([^/]+)$/;

function reply(res: ServerResponse, status: number, body?: unknown, errorType?: string): void {
  const headers: Record<string, string> = { 'x-amzn-requestid': randomUUID() };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  if (body !== undefined) headers['content-type'] = 'application/json';
  res.writeHead(status, headers).end(body === undefined ? undefined : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function createManagementApi(options: ManagementApiOptions): ManagementApi {
  let throttled = 0;
  let attempts = 0;

  const post = async (req: IncomingMessage, res: ServerResponse, conn: Connection | undefined) => {
    attempts += 1;
    const payload = await readBody(req);
    if (throttled > 0) {
      throttled -= 1;
      return reply(res, 429, { message: 'Rate exceeded' }, 'LimitExceededException');
    }
    if (payload.length > options.maxMessageBytes)
      return reply(res, 413, { message: 'Payload too large' }, 'PayloadTooLargeException');
    if (!conn || conn.socket.readyState !== conn.socket.OPEN)
      return reply(res, 410, { message: 'Gone' }, 'GoneException');
    await new Promise<void>((resolve) => conn.socket.send(payload, { binary: false }, () => resolve()));
    return reply(res, 200);
  };

  const describe = (res: ServerResponse, conn: Connection) =>
    reply(res, 200, {
      connectedAt: new Date(conn.info.connectedAt).toISOString(),
      lastActiveAt: new Date(conn.lastActiveAt).toISOString(),
      identity: { sourceIp: conn.info.sourceIp, userAgent: conn.info.userAgent },
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const match = CONNECTION_PATH.exec(url.pathname);
    if (!match?.[1]) return reply(res, 404, { message: 'Not Found' }, 'NotFoundException');
    const conn = options.connections.get(decodeURIComponent(match[1]));
    if (req.method === 'POST') return post(req, res, conn);
    if (!conn) return reply(res, 410, { message: 'Gone' }, 'GoneException');
    if (req.method === 'GET') return describe(res, conn);
    if (req.method === 'DELETE') {
      conn.socket.close(1000, 'Connection deleted');
      return reply(res, 204);
    }
    return reply(res, 405, { message: 'Method not allowed' });
  };

  return {
    handle,
    throttlePosts: (count) => {
      throttled = count;
    },
    postAttempts: () => attempts,
  };
}
