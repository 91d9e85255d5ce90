import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { ConnectionInfo } from './lambda-events.ts';

/** One client connection as the gateway tracks it. */
export interface Connection {
  readonly info: ConnectionInfo;
  readonly socket: WebSocket;
  lastActiveAt: number;
  /** Route invocations of one connection run in order, as API Gateway delivers them. */
  queue: Promise<void>;
  idleTimer: NodeJS.Timeout | undefined;
  readonly lifeTimer: NodeJS.Timeout;
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden' };

/** A non-2xx `$connect` result refuses the handshake with that status and body, as API Gateway does. */
export function rejectHandshake(socket: Socket, status: number, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
