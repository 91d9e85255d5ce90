/**
 * Identifiers minted by the control plane. Session ids are safe in URLs, S3
 * keys and DynamoDB keys; message ids look like the ones WhatsApp Web mints.
 */
export type RandomBytes = (length: number) => Uint8Array;

export const cryptoRandomBytes: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `ses_` + 20 lowercase base32 characters (100 random bits). */
export const SESSION_ID_PATTERN = /^ses_[a-z2-7]{20}$/;

/** `3EB0` + 18 uppercase hex characters. */
export const MESSAGE_ID_PATTERN = /^3EB0[0-9A-F]{18}$/;

export function newSessionId(random: RandomBytes = cryptoRandomBytes): string {
  const bytes = random(20);
  let out = 'ses_';
  for (let i = 0; i < 20; i++) out += BASE32[(bytes[i] ?? 0) & 31];
  return out;
}

export function isSessionId(value: string): boolean {
  return SESSION_ID_PATTERN.test(value);
}

export function newMessageId(random: RandomBytes = cryptoRandomBytes): string {
  const bytes = random(9);
  let hex = '';
  for (let i = 0; i < 9; i++) hex += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return `3EB0${hex.toUpperCase()}`;
}
