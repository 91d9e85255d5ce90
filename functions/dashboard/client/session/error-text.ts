/** What a user can do about each error code the session page can meet; unknown codes show the API's message. */
const ADVICE: Record<string, string> = {
  VALIDATION_FAILED: 'Check the fields: phone numbers are digits in international format.',
  SESSION_NOT_FOUND: 'This session no longer exists (or belongs to another tenant).',
  SESSION_NOT_CONNECTED: 'The session is not connected to WhatsApp. Start it and link a phone first.',
  PHONE_NUMBER_MISMATCH: 'This session was created for another phone number.',
  RATE_LIMITED: 'Too many requests.',
  QUOTA_EXCEEDED: 'The tenant’s quota is used up.',
  NO_HOST_AVAILABLE: 'No session host has room right now; the session starts when one comes up.',
  HOST_UNREACHABLE: 'The session’s host did not answer properly. Try again.',
  HOST_TIMEOUT: 'The session’s host did not answer in time. Try again.',
  QR_NOT_AVAILABLE: 'There is no QR right now.',
  SEND_QUEUE_FULL: 'The session’s send queue is full.',
  MEDIA_TOO_LARGE: 'The file is larger than WhatsApp accepts for this kind.',
  MEDIA_TYPE_MISMATCH: 'The file’s type does not fit this kind (for example a sticker must be WebP).',
  MEDIA_NOT_FOUND: 'The upload was not found; pick the file again.',
  UPLOAD_FAILED: 'The file could not be uploaded to storage.',
};

export interface ErrorLike {
  code?: string;
  message?: string;
  retryAfter?: number;
}

/** A sentence for an error banner: the code, what to do (`advice` overrides per code), and when to retry. */
export function describeError(error: ErrorLike, advice: Record<string, string> = {}): string {
  const code = error.code ?? 'ERROR';
  const text = advice[code] ?? ADVICE[code] ?? error.message ?? 'Something went wrong.';
  const retry = error.retryAfter !== undefined ? ` Retry in ${error.retryAfter} s.` : '';
  return `${code}: ${text}${retry}`;
}
