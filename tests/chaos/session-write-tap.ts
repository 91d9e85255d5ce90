import type { ConnectionTap } from './chaos-proxy.ts';
import type { SessionWrite } from './history.ts';
import { type HttpMessage, HttpMessageReader } from './http-messages.ts';

type Values = Record<string, { S?: string; N?: string } | undefined>;

interface UpdateItemBody {
  TableName?: string;
  Key?: { sessionId?: { S?: string } };
  UpdateExpression?: string;
  ExpressionAttributeValues?: Values;
}

/**
 * Watches one host's DynamoDB traffic through its proxy and records every
 * UpdateItem on the sessions table with DynamoDB's answer: an observer of the
 * ownership history that does not depend on what the host believes or logs.
 */
export function sessionWriteTap(
  hostId: string,
  sessionsTable: string,
  record: (write: SessionWrite) => void,
): () => ConnectionTap {
  return () => {
    const pending: HttpMessage[] = [];
    const requests = new HttpMessageReader((m) => pending.push(m));
    const responses = new HttpMessageReader((response) => {
      const request = pending.shift();
      if (!request) return;
      const write = classify(hostId, sessionsTable, request, response);
      if (write) record(write);
    });
    return {
      request: (chunk, at) => requests.push(chunk, at),
      response: (chunk, at) => responses.push(chunk, at),
      closed: () => undefined,
    };
  };
}

function classify(
  hostId: string,
  sessionsTable: string,
  request: HttpMessage,
  response: HttpMessage,
): SessionWrite | undefined {
  if (!/\.UpdateItem$/.test(request.headers['x-amz-target'] ?? '')) return undefined;
  const body = JSON.parse(request.body.toString('utf8')) as UpdateItemBody;
  const sessionId = body.Key?.sessionId?.S;
  if (body.TableName !== sessionsTable || !sessionId) return undefined;
  const values = body.ExpressionAttributeValues ?? {};
  const s = (name: string): string | undefined => values[name]?.S;
  const n = (name: string): number | undefined => {
    const raw = values[name]?.N;
    return raw === undefined ? undefined : Number(raw);
  };
  const accepted = / 2\d\d /.test(`${response.startLine} `);
  const base = { hostId, sessionId, sentAt: request.at, answeredAt: response.at, accepted };
  const after = (epoch: number | undefined): number | undefined =>
    epoch === undefined ? undefined : epoch + 1;
  if ((body.UpdateExpression ?? '').includes('claimedBy'))
    return { ...base, kind: 'claim', owner: s(':host'), epoch: after(n(':seen')) };
  if (s(':dead') !== undefined)
    return { ...base, kind: 'takeover', owner: s(':me'), epoch: after(n(':seen')) };
  if (s(':target') !== undefined)
    return { ...base, kind: 'release', owner: s(':target'), epoch: after(n(':epoch')) };
  return { ...base, kind: 'write', owner: s(':host'), epoch: n(':epoch') };
}
