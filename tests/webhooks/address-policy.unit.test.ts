import { describe, expect, it } from 'vitest';
import { checkUrlShape, refusedAddress } from '#commons/webhooks/address-policy.ts';

/**
 * Address spellings a hostile tenant can save as a webhook URL. WHATWG URL
 * parsing normalizes the IPv4 forms (decimal, hex, octal, short, trailing
 * dot, full-width digits) before the policy sees them; the IPv6 forms reach
 * it as written.
 */
const REFUSED_IN_STRICT: [string, string][] = [
  ['decimal IPv4', 'https://2130706433/'],
  ['hex IPv4', 'https://0x7f.1/'],
  ['octal IPv4', 'https://017700000001/'],
  ['zero-padded IPv4', 'https://127.000.000.001/'],
  ['trailing dot', 'https://127.0.0.1./'],
  ['full-width digits and dots', 'https://１２７。０。０。１/'],
  ['IPv4-mapped loopback, long form', 'https://[0:0:0:0:0:ffff:127.0.0.1]/'],
  ['IPv4-translated (rfc6145)', 'https://[::ffff:0:7f00:1]/'],
  ['NAT64 of the metadata address', 'https://[64:ff9b::a9fe:a9fe]/'],
  ['6to4 of the metadata address', 'https://[2002:a9fe:a9fe::]/'],
  // Deprecated IPv4-compatible IPv6 (::/96): a kernel with an automatic
  // tunnel (sit0) routes it to the embedded IPv4 address.
  ['IPv4-compatible loopback', 'https://[::127.0.0.1]/'],
  ['IPv4-compatible metadata', 'https://[::169.254.169.254]/'],
  ['IPv4-compatible private', 'https://[::a00:1]/'],
  // Outside 2000::/3 nothing is global unicast today.
  ['unallocated IPv6', 'https://[4000::1]/'],
  ['site-local IPv6', 'https://[fec0::1]/'],
];

describe('webhook destination policy', () => {
  it.each(REFUSED_IN_STRICT)('refuses %s in strict mode', (_name, url) => {
    expect(() => checkUrlShape(url, 'strict')).toThrow(/destination address refused/);
  });

  it.each([
    ['public IPv4', '8.8.8.8'],
    ['public IPv6', '2606:4700::1111'],
    ['public IPv6, other prefix', '2a00:1450:4001:80b::200e'],
  ])('accepts %s in strict mode', (_name, address) => {
    expect(refusedAddress(address, 'strict')).toBeUndefined();
  });

  it.each([
    ['IPv4-compatible loopback', '::7f00:1'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['private', '10.0.0.1'],
  ])('local mode refuses %s (loopback only, one spelling)', (_name, address) => {
    expect(refusedAddress(address, 'loopback-http')).toBe('not-loopback');
  });

  it.each(['127.0.0.1', '::1'])('local mode accepts loopback %s', (address) => {
    expect(refusedAddress(address, 'loopback-http')).toBeUndefined();
  });
});
