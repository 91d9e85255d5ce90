import type { StatusReason } from './session-status.ts';

/**
 * Why a socket to WhatsApp never got a connection, from the Node error code
 * under Baileys' close error. A session that cannot reach WhatsApp at all is
 * told apart from one whose connection dropped: the user's fix is on their
 * side (DNS, firewall, proxy), not WhatsApp's.
 */
export type NetworkFailure = 'dns' | 'refused' | 'unreachable' | 'timeout' | 'tls';

// Not ECONNRESET: a reset also ends a connection that did reach WhatsApp, and that is CONNECTION_LOST.
const BY_CODE: Readonly<Record<string, NetworkFailure>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  ECONNREFUSED: 'refused',
  ENETUNREACH: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETDOWN: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ETIMEDOUT: 'timeout',
  CERT_HAS_EXPIRED: 'tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
};

export function networkFailureOf(code: unknown): NetworkFailure | undefined {
  return typeof code === 'string' ? BY_CODE[code] : undefined;
}

const CHECK =
  'check the host’s DNS, internet access, proxy and firewall (outbound TCP 443 to web.whatsapp.com)';

const WHY: Readonly<Record<NetworkFailure, string>> = {
  dns: 'WhatsApp could not be reached: its host name did not resolve (DNS failure or no network)',
  refused: 'WhatsApp could not be reached: the connection was refused',
  unreachable: 'WhatsApp could not be reached: the network or host is unreachable',
  timeout: 'WhatsApp could not be reached: the connection timed out',
  tls: 'WhatsApp could not be reached: its TLS certificate was not trusted (a proxy intercepting TLS?)',
};

export function unreachableReason(failure: NetworkFailure): StatusReason {
  return {
    code: 'WHATSAPP_UNREACHABLE',
    message: WHY[failure],
    action: `reconnecting with backoff; ${CHECK}`,
  };
}
