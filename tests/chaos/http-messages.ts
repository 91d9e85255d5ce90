/** One HTTP/1.1 message read off a byte stream: start line, lower-cased headers, body. */
export interface HttpMessage {
  readonly startLine: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** When its last byte arrived. */
  readonly at: number;
}

/**
 * Splits one direction of an HTTP/1.1 connection into messages (Content-Length
 * or chunked bodies; enough for the SDK and the emulators, which neither
 * pipeline nor upgrade).
 */
export class HttpMessageReader {
  private buffer = Buffer.alloc(0);

  constructor(private readonly onMessage: (message: HttpMessage) => void) {}

  push(chunk: Buffer, at: number): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const message = this.next(at);
      if (!message) return;
      this.onMessage(message);
    }
  }

  private next(at: number): HttpMessage | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [startLine = '', ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const start = end + 4;
    const body = /chunked/i.test(headers['transfer-encoding'] ?? '')
      ? this.chunked(start)
      : this.sized(start, Number(headers['content-length'] ?? 0));
    if (!body) return undefined;
    this.buffer = this.buffer.subarray(body.next);
    return { startLine, headers, body: body.bytes, at };
  }

  private sized(start: number, length: number): { bytes: Buffer; next: number } | undefined {
    if (this.buffer.length < start + length) return undefined;
    return { bytes: this.buffer.subarray(start, start + length), next: start + length };
  }

  private chunked(start: number): { bytes: Buffer; next: number } | undefined {
    const parts: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = this.buffer.indexOf('\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(this.buffer.subarray(at, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) return undefined;
      if (size === 0) {
        const trailerEnd = this.buffer.indexOf('\r\n\r\n', lineEnd);
        const plainEnd = this.buffer.subarray(lineEnd, lineEnd + 4).toString('latin1') === '\r\n\r\n';
        if (plainEnd) return { bytes: Buffer.concat(parts), next: lineEnd + 4 };
        if (trailerEnd < 0) return undefined;
        return { bytes: Buffer.concat(parts), next: trailerEnd + 4 };
      }
      if (this.buffer.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
}
