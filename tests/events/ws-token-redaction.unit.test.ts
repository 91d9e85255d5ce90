/**
 * The dashboard's WebSocket token travels in Sec-WebSocket-Protocol; a log
 * line that carries a $connect event's headers must not print it.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_REDACTION } from '../../functions/commons/logging/logger.ts';

function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ redact: LOG_REDACTION }, sink), lines };
}

describe('log redaction of the WebSocket subprotocol token', () => {
  it('censors Sec-WebSocket-Protocol in headers, in either case, at the top level and one level down', () => {
    const { logger, lines } = capture();
    const secret = 'bearer.eyJhbGciOiJIUzI1NiJ9.payload.signature';
    logger.info({ headers: { 'sec-websocket-protocol': `zapfleet.v1, ${secret}` } }, 'a');
    logger.info({ event: { headers: { 'Sec-WebSocket-Protocol': `zapfleet.v1, ${secret}` } } }, 'b');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain('payload.signature');
      expect(line).toContain('[redacted]');
    }
  });
});
