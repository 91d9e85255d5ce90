import { describe, expect, it } from 'vitest';
import { type HttpMessage, HttpMessageReader } from './http-messages.ts';

function read(chunks: string[]): HttpMessage[] {
  const out: HttpMessage[] = [];
  const reader = new HttpMessageReader((m) => out.push(m));
  for (const [i, c] of chunks.entries()) reader.push(Buffer.from(c, 'latin1'), i);
  return out;
}

describe('reading HTTP/1.1 messages off a proxied byte stream', () => {
  it('splits sized messages however the bytes are cut, each timed by its last chunk', () => {
    const stream =
      'POST / HTTP/1.1\r\nX-Amz-Target: DynamoDB_20120810.UpdateItem\r\nContent-Length: 5\r\n\r\nhello' +
      'POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi';
    const messages = read([stream.slice(0, 20), stream.slice(20, 90), stream.slice(90)]);
    expect(messages.map((m) => [m.headers['x-amz-target'], m.body.toString(), m.at])).toEqual([
      ['DynamoDB_20120810.UpdateItem', 'hello', 1],
      [undefined, 'hi', 2],
    ]);
  });

  it('joins a chunked body and waits for its last chunk', () => {
    const head = 'HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n';
    const messages = read([`${head}3\r\n{"a`, '\r\n2\r\n":\r\n', '0\r\n\r\n']);
    expect(messages.map((m) => [m.startLine, m.body.toString(), m.at])).toEqual([
      ['HTTP/1.1 400 Bad Request', '{"a":', 2],
    ]);
  });
});
