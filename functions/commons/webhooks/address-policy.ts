/**
 * Which destinations a webhook may reach. Address classes come from
 * ipaddr.js (`range()`), not hand-written prefixes.
 */
import ipaddr from 'ipaddr.js';

/** `strict`: public addresses over https only. `loopback-http`: local mode, loopback receivers over http or https only. */
export type DestinationMode = 'strict' | 'loopback-http';

/** Cloud metadata endpoints, named even though their ranges are refused anyway. */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

/**
 * IANA's global unicast block. ipaddr.js calls every IPv6 address outside its
 * special ranges `unicast`, including the deprecated IPv4-compatible ::/96
 * (::127.0.0.1), which a kernel with an automatic tunnel routes to the
 * embedded IPv4 address; nothing outside 2000::/3 is a public destination.
 */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

export type AddressRefusal = 'invalid' | 'metadata' | 'not-loopback' | string;

/** Undefined when `address` may be connected to in `mode`; otherwise why not. */
export function refusedAddress(address: string, mode: DestinationMode): AddressRefusal | undefined {
  if (!ipaddr.isValid(address)) return 'invalid';
  const parsed = ipaddr.parse(address);
  const normalized = parsed.toNormalizedString();
  if (METADATA.has(address) || METADATA.has(normalized)) return 'metadata';
  const range = parsed.range();
  if (mode === 'loopback-http') {
    // An IPv4-mapped loopback (::ffff:127.0.0.1) is refused too: one spelling per address.
    return range === 'loopback' ? undefined : 'not-loopback';
  }
  // Anything ipaddr.js does not class as plain unicast (private, loopback,
  // link-local, CGNAT, multicast, unspecified, IPv4-mapped, 6to4, …) is refused.
  if (range !== 'unicast') return range;
  if (parsed.kind() === 'ipv6' && !parsed.match(IPV6_GLOBAL_UNICAST)) return 'not-global-unicast';
  return undefined;
}

export type UrlRefusal = 'invalid-url' | 'scheme' | 'credentials' | 'port' | 'address';

export class DestinationRefusedError extends Error {
  override readonly name = 'DestinationRefusedError';
  constructor(
    readonly reason: UrlRefusal | AddressRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** Checks the URL's own shape (before any name is resolved). */
export function checkUrlShape(raw: string, mode: DestinationMode): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationRefusedError('invalid-url', 'not an absolute URL');
  }
  const https = url.protocol === 'https:';
  const http = url.protocol === 'http:';
  if (!https && !(http && mode === 'loopback-http')) {
    throw new DestinationRefusedError(
      'scheme',
      mode === 'strict' ? 'only https URLs are accepted' : 'only http(s) URLs are accepted',
    );
  }
  if (url.username || url.password)
    throw new DestinationRefusedError('credentials', 'URLs may not carry credentials');
  const host = hostOf(url);
  if (ipaddr.isValid(host)) {
    const refusal = refusedAddress(host, mode);
    if (refusal) throw new DestinationRefusedError('address', `destination address refused (${refusal})`);
  }
  return url;
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}
