import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs: static lowercase message, data in fields, errors under
 * `err`. Fields that could carry a credential, a QR or key material are
 * censored wherever they appear in the first levels of a log object.
 */
const SENSITIVE = [
  'token',
  'authorization',
  'qr',
  'secret',
  'privKey',
  'private',
  'creds',
  'keys',
  'password',
];
/** Where a browser's WebSocket token rides (`bearer.<jwt>` next to `zapfleet.v1`), as Node and as AWS spell it. */
const SUBPROTOCOL_HEADERS = ['sec-websocket-protocol', 'Sec-WebSocket-Protocol'].flatMap((h) => [
  `headers["${h}"]`,
  `*.headers["${h}"]`,
]);
const REDACT_PATHS = [
  ...SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`]),
  ...SUBPROTOCOL_HEADERS,
];

export const LOG_REDACTION = { paths: REDACT_PATHS, censor: '[redacted]' };

export function createLogger(options: { name: string; level?: string | undefined }): Logger {
  return pino({
    name: options.name,
    level: options.level ?? 'info',
    redact: LOG_REDACTION,
    base: undefined,
  });
}
