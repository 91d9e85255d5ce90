import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { hostOf, refusedAddress } from '#commons/webhooks/address-policy.ts';
import { type ResolvedAddress, systemResolve } from '#commons/webhooks/webhook-poster.ts';
import { MediaError } from './media-errors.ts';
import type { MediaRuntime } from './media-runtime.ts';

/** WhatsApp's media hosts (mmg.whatsapp.net, media-*.cdn.whatsapp.net). */
const WHATSAPP_MEDIA_HOST = /(^|\.)whatsapp\.net$/i;

/**
 * Where Baileys would fetch: `https://{host of url}{directPath}`, else `url`.
 * Both come from the sender's message, so the host is checked like any
 * destination: WhatsApp's own media hosts on public addresses, or (local
 * mode and tests, `loopback-http`) a loopback media host such as the fake's.
 */
export function mediaDownloadUrl(location: { url?: string | null; directPath?: string | null }): URL {
  const base = location.url ? safeUrl(location.url) : undefined;
  const url = location.directPath
    ? safeUrl(`https://${base?.host ?? 'mmg.whatsapp.net'}${location.directPath}`)
    : base;
  if (url?.protocol !== 'https:' || url.username || url.password)
    throw new MediaError('MEDIA_DOWNLOAD_FAILED', 'the message names no usable media location');
  return url;
}

function safeUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

async function checkedMediaHost(url: URL, media: MediaRuntime): Promise<ResolvedAddress> {
  const host = hostOf(url);
  const resolve = media.resolve ?? systemResolve;
  const refused = new MediaError(
    'MEDIA_DOWNLOAD_FAILED',
    'the media host is not one the host may fetch from',
  );
  const addresses = /^[\d.]+$|:/.test(host)
    ? [{ address: host, family: host.includes(':') ? 6 : 4 } as ResolvedAddress]
    : await resolve(host).catch(() => {
        throw new MediaError('MEDIA_DOWNLOAD_FAILED', 'the media host does not resolve', true);
      });
  const whatsapp = WHATSAPP_MEDIA_HOST.test(host);
  const allowed = (address: string): boolean =>
    (whatsapp && refusedAddress(address, 'strict') === undefined) ||
    (media.destinations === 'loopback-http' && refusedAddress(address, 'loopback-http') === undefined);
  if (addresses.length === 0 || !addresses.every((a) => allowed(a.address))) throw refused;
  return addresses[0] as ResolvedAddress;
}

/** The encrypted file as a stream; 404/410 is MEDIA_EXPIRED, a 5xx or network error transient. */
export async function fetchEncryptedMedia(
  media: MediaRuntime,
  location: { url?: string | null; directPath?: string | null },
  signal: AbortSignal,
): Promise<Readable> {
  const url = mediaDownloadUrl(location);
  const target = await checkedMediaHost(url, media);
  const pinned: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [target]);
    } else callback(null, target.address, target.family);
  };
  return new Promise<Readable>((resolve, reject) => {
    const req = https.get(
      url,
      { agent: media.agent, lookup: pinned, signal, headers: { Origin: 'https://web.whatsapp.com' } },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(res);
        res.resume();
        if (status === 404 || status === 410)
          return reject(new MediaError('MEDIA_EXPIRED', 'WhatsApp no longer holds this media'));
        reject(
          new MediaError(
            'MEDIA_DOWNLOAD_FAILED',
            `the media host answered ${status}`,
            status >= 500 || status === 429,
          ),
        );
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new MediaError(
          'MEDIA_DOWNLOAD_FAILED',
          `the media download failed (${err.code ?? 'error'})`,
          !signal.aborted,
          {
            cause: err,
          },
        ),
      ),
    );
  });
}
