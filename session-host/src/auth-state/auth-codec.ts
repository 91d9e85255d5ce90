import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { BufferJSON } from '@whiskeysockets/baileys';
import { AuthStateCorruptedError } from './auth-errors.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Auth objects are gzipped JSON: half of a Signal session record is JSON
 * structure around base64, and S3 bills and times every byte. Off the event
 * loop (zlib's thread pool), so a link-sized pre-key batch does not stall it.
 */
export async function pack(value: unknown): Promise<Buffer> {
  return gzipAsync(Buffer.from(JSON.stringify(value, BufferJSON.replacer), 'utf8'));
}

const isGzip = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Reads a packed object, or a plain JSON one written before objects were packed. */
export async function unpack(bytes: Uint8Array, what: string): Promise<unknown> {
  let text: string;
  try {
    text = (isGzip(bytes) ? await gunzipAsync(bytes) : Buffer.from(bytes)).toString('utf8');
  } catch (cause) {
    throw new AuthStateCorruptedError(`${what} is not valid gzip`, { cause });
  }
  try {
    return JSON.parse(text, BufferJSON.reviver);
  } catch (cause) {
    throw new AuthStateCorruptedError(`${what} is not valid JSON`, { cause });
  }
}
