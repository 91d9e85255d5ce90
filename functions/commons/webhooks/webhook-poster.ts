/**
 * One HTTP POST to a webhook receiver, SSRF-guarded: the URL's shape is
 * checked, the host is resolved by our own lookup, every resolved address
 * is checked, and the socket connects to the address that was checked (the
 * lookup hands it to Node's connect), so no DNS rebinding window opens.
 * Redirects are never followed and at most a few KB of the answer is read.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import {
  checkUrlShape,
  type DestinationMode,
  DestinationRefusedError,
  hostOf,
  refusedAddress,
} from './address-policy.ts';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Name resolution, replaceable in tests (a name that resolves to 127.0.0.1). */
export type Resolve = (host: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolve: Resolve = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

export interface PostOptions {
  readonly mode: DestinationMode;
  readonly timeoutMs: number;
  /** Bytes of the answer kept for the delivery log; the rest is never read. */
  readonly maxResponseBytes: number;
  readonly resolve?: Resolve;
}

export interface PostResult {
  /** Absent when no answer arrived (refused destination, connection error, timeout). */
  readonly status?: number | undefined;
  readonly durationMs: number;
  /** The start of the answer, or a short error code when there was none. */
  readonly responseBody?: string | undefined;
  readonly error?: string | undefined;
}

/** Resolves and checks the host; the first checked address is the one connected to. */
export async function checkedAddress(
  url: URL,
  mode: DestinationMode,
  resolve: Resolve,
): Promise<ResolvedAddress> {
  const host = hostOf(url);
  if (ipaddr.isValid(host)) {
    const refusal = refusedAddress(host, mode);
    if (refusal) throw new DestinationRefusedError('address', `destination address refused (${refusal})`);
    return { address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 };
  }
  const addresses = await resolve(host).catch((err: unknown) => {
    throw new DestinationRefusedError(
      'address',
      `host does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  });
  if (addresses.length === 0) throw new DestinationRefusedError('address', 'host does not resolve');
  // Every address must pass: a name with one public and one private address is refused.
  for (const a of addresses) {
    const refusal = refusedAddress(a.address, mode);
    if (refusal) throw new DestinationRefusedError('address', `destination address refused (${refusal})`);
  }
  return addresses[0] as ResolvedAddress;
}

/** Checks a URL as it would be at delivery, for saving an endpoint. */
export async function checkDestination(
  raw: string,
  mode: DestinationMode,
  resolve: Resolve = systemResolve,
): Promise<URL> {
  const url = checkUrlShape(raw, mode);
  await checkedAddress(url, mode, resolve);
  return url;
}

export async function postWebhook(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
): Promise<PostResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  let url: URL;
  let target: ResolvedAddress;
  try {
    url = checkUrlShape(rawUrl, options.mode);
    target = await checkedAddress(url, options.mode, options.resolve ?? systemResolve);
  } catch (err) {
    if (err instanceof DestinationRefusedError) {
      return { durationMs: elapsed(), error: 'DESTINATION_REFUSED', responseBody: err.message };
    }
    throw err;
  }
  // The connection goes to the address checked above, whatever the name resolves to now.
  const pinned: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [target]);
    } else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolvePromise) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'durationMs'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise({ ...result, durationMs: elapsed() });
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        lookup: pinned,
        agent: false,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'zapfleet-webhooks/1',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = (): void => {
          finish({ status: res.statusCode, responseBody: Buffer.concat(chunks).toString('utf8') });
          res.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          if (kept < options.maxResponseBytes) {
            const part = chunk.subarray(0, options.maxResponseBytes - kept);
            chunks.push(part);
            kept += part.length;
          }
          if (kept >= options.maxResponseBytes) done();
        });
        res.on('end', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      finish({ error: 'TIMEOUT' });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ error: err.code ?? 'CONNECTION_ERROR' }));
    req.end(body);
  });
}

/** The one way a runtime posts to receivers: its configured checks, bound once. */
export function createWebhookPoster(
  config: {
    readonly destinations: DestinationMode;
    readonly timeoutMs: number;
    readonly maxResponseBytes: number;
  },
  resolve?: Resolve,
): (url: string, headers: Record<string, string>, body: string) => Promise<PostResult> {
  const options: PostOptions = {
    mode: config.destinations,
    timeoutMs: config.timeoutMs,
    maxResponseBytes: config.maxResponseBytes,
    ...(resolve && { resolve }),
  };
  return (url, headers, body) => postWebhook(url, headers, body, options);
}
