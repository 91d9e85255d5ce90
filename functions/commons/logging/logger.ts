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
const REDACT_PATHS = SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`]);

export function createLogger(options: { name: string; level?: string | undefined }): Logger {
  return pino({
    name: options.name,
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
  });
}
