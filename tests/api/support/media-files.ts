/**
 * Tiny real files, built in the test, that file-type recognises: enough
 * header for the sniff, nothing a decoder would need.
 */

/** A 1×1 PNG: signature, IHDR, IEND. */
export function pngBytes(padding = 0): Uint8Array {
  return concat(
    hex('89504e470d0a1a0a'),
    hex('0000000d49484452000000010000000108060000001f15c489'),
    hex('0000000049454e44ae426082'),
    new Uint8Array(padding),
  );
}

/** A minimal PDF. */
export function pdfBytes(): Uint8Array {
  return new TextEncoder().encode('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
}

/** The first Ogg page of an Opus stream: `OggS` header and the OpusHead packet. */
export function oggOpusBytes(): Uint8Array {
  const opusHead = concat(
    new TextEncoder().encode('OpusHead'),
    Uint8Array.of(1, 1, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0),
  );
  const header = concat(
    new TextEncoder().encode('OggS'),
    Uint8Array.of(0, 2), // version, flags: beginning of stream
    new Uint8Array(8), // granule position
    Uint8Array.of(1, 0, 0, 0), // serial
    new Uint8Array(4), // page sequence
    new Uint8Array(4), // checksum (not verified by a sniff)
    Uint8Array.of(1, opusHead.length), // one segment
  );
  return concat(header, opusHead);
}

/** A WebP (lossy) header: RIFF, WEBP, a VP8 chunk. */
export function webpBytes(): Uint8Array {
  const vp8 = concat(
    new TextEncoder().encode('VP8 '),
    Uint8Array.of(10, 0, 0, 0),
    hex('9d012a0100010000'),
    new Uint8Array(2),
  );
  const body = concat(new TextEncoder().encode('WEBP'), vp8);
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint32(0, body.length, true);
  return concat(new TextEncoder().encode('RIFF'), size, body);
}

function hex(value: string): Uint8Array {
  return Uint8Array.from(Buffer.from(value, 'hex'));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
