import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The subset of the API Gateway WebSocket Lambda event our handlers read, shaped as AWS sends it. */
export interface WebSocketLambdaEvent {
  requestContext: {
    routeKey: string;
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
    connectionId: string;
    domainName: string;
    stage: string;
    apiId: string;
    requestId: string;
    extendedRequestId: string;
    messageId?: string;
    messageDirection: 'IN';
    connectedAt: number;
    requestTimeEpoch: number;
    requestTime: string;
    identity: { sourceIp: string; userAgent?: string };
    disconnectStatusCode?: number;
    disconnectReason?: string;
  };
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
  body?: string;
  isBase64Encoded: boolean;
}

export interface LambdaResult {
  statusCode?: number;
  body?: string;
  headers?: Record<string, string>;
}

export type WebSocketLambdaHandler = (
  event: WebSocketLambdaEvent,
  context: { awsRequestId: string },
) => Promise<LambdaResult | undefined>;

/** Real connection ids are 16 base64 characters, often ending in '=' and sometimes holding '/' or '+'. */
export function newConnectionId(): string {
  return randomBytes(11).toString('base64');
}

export interface ConnectionInfo {
  readonly connectionId: string;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
}

interface EventBase {
  readonly info: ConnectionInfo;
  readonly domainName: string;
  readonly stage: string;
}

function requestContext(
  base: EventBase,
  routeKey: string,
  eventType: WebSocketLambdaEvent['requestContext']['eventType'],
) {
  const now = Date.now();
  return {
    routeKey,
    eventType,
    connectionId: base.info.connectionId,
    domainName: base.domainName,
    stage: base.stage,
    apiId: 'local',
    requestId: randomUUID(),
    extendedRequestId: randomUUID(),
    messageDirection: 'IN' as const,
    connectedAt: base.info.connectedAt,
    requestTimeEpoch: now,
    requestTime: new Date(now).toUTCString(),
    identity: {
      sourceIp: base.info.sourceIp,
      ...(base.info.userAgent !== undefined && { userAgent: base.info.userAgent }),
    },
  };
}

export function connectEvent(
  base: EventBase,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): WebSocketLambdaEvent {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    single[name] = values.join(',');
    multi[name] = values;
  }
  const qs: Record<string, string> = {};
  const qsMulti: Record<string, string[]> = {};
  for (const [name, value] of query) {
    qs[name] = value;
    qsMulti[name] = [...(qsMulti[name] ?? []), value];
  }
  return {
    requestContext: requestContext(base, '$connect', 'CONNECT'),
    headers: single,
    multiValueHeaders: multi,
    ...(query.size > 0 && { queryStringParameters: qs, multiValueQueryStringParameters: qsMulti }),
    isBase64Encoded: false,
  };
}

export function messageEvent(base: EventBase, routeKey: string, body: string): WebSocketLambdaEvent {
  return {
    requestContext: { ...requestContext(base, routeKey, 'MESSAGE'), messageId: randomUUID() },
    body,
    isBase64Encoded: false,
  };
}

export function disconnectEvent(base: EventBase, statusCode: number, reason: string): WebSocketLambdaEvent {
  return {
    requestContext: {
      ...requestContext(base, '$disconnect', 'DISCONNECT'),
      disconnectStatusCode: statusCode,
      disconnectReason: reason,
    },
    isBase64Encoded: false,
  };
}
