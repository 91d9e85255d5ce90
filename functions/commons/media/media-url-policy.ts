import { checkUrlShape, type DestinationMode, hostOf } from '../webhooks/address-policy.ts';

/** Longest media URL accepted (the host fetches it; nothing longer is a plausible file link). */
export const MAX_MEDIA_URL_LENGTH = 2048;

export type MediaUrlCheck =
  | { readonly ok: true; readonly url: URL }
  | { readonly ok: false; readonly reason: string };

/**
 * The media URL rule the API applies before anything is queued: the webhook
 * address policy on the URL as written (scheme, credentials, IP literals),
 * plus `localhost` names, which need no DNS to be loopback. The host repeats
 * the address check on what the name resolves to, right before it connects.
 */
export function checkMediaUrl(raw: string, mode: DestinationMode): MediaUrlCheck {
  if (raw.length > MAX_MEDIA_URL_LENGTH)
    return { ok: false, reason: `URL over ${MAX_MEDIA_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = checkUrlShape(raw, mode);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : 'URL refused' };
  }
  const host = hostOf(url).toLowerCase().replace(/\.$/, '');
  if (mode === 'strict' && (host === 'localhost' || host.endsWith('.localhost')))
    return { ok: false, reason: 'destination address refused (loopback)' };
  return { ok: true, url };
}
