/**
 * Typed errors every runtime can raise. Each carries a stable code; the HTTP
 * API maps codes to statuses in exactly one place (functions/api/http/error-status.ts).
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_NAME_TAKEN'
  | 'NO_HOST_AVAILABLE'
  | 'QR_NOT_AVAILABLE'
  | 'SESSION_NOT_CONNECTED'
  | 'HOST_UNREACHABLE'
  | 'HOST_TIMEOUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'WEBHOOK_NOT_FOUND'
  | 'WEBHOOK_URL_REFUSED'
  | 'WEBHOOK_LIMIT_REACHED'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMITED'
  | 'SEND_QUEUE_FULL'
  | 'PHONE_NUMBER_MISMATCH'
  | 'SUBSCRIPTION_LIMIT'
  | 'CONNECTION_LIMIT'
  | 'MEDIA_NOT_FOUND'
  | 'MEDIA_TOO_LARGE'
  | 'MEDIA_TYPE_MISMATCH'
  | 'MEDIA_URL_REFUSED'
  | 'MEDIA_URL_FAILED'
  | 'MEDIA_TRANSFERS_BUSY'
  | 'MEDIA_UNAVAILABLE'
  | 'NOT_OWN_MESSAGE'
  | 'TOO_MANY_NUMBERS'
  | 'GROUP_NOT_FOUND'
  | 'GROUP_FORBIDDEN'
  | 'GROUP_REQUEST_REFUSED'
  | 'INTERNAL';

export interface ErrorOptions {
  readonly cause?: unknown;
  /** Safe to show to the caller (no secrets, no other tenant's data). */
  readonly details?: Record<string, unknown>;
}

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.details = options.details;
  }
}

export class ValidationFailedError extends AppError {
  override readonly name = 'ValidationFailedError';
  readonly code = 'VALIDATION_FAILED';
}

export class UnauthenticatedError extends AppError {
  override readonly name = 'UnauthenticatedError';
  readonly code = 'UNAUTHENTICATED';
}

export class ForbiddenError extends AppError {
  override readonly name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}

export class RouteNotFoundError extends AppError {
  override readonly name = 'RouteNotFoundError';
  readonly code = 'NOT_FOUND';
}

/** Also raised for another tenant's session: existence is never revealed. */
export class SessionNotFoundError extends AppError {
  override readonly name = 'SessionNotFoundError';
  readonly code = 'SESSION_NOT_FOUND';
  constructor(options: ErrorOptions = {}) {
    super('session not found', options);
  }
}

export class SessionNameTakenError extends AppError {
  override readonly name = 'SessionNameTakenError';
  readonly code = 'SESSION_NAME_TAKEN';
}

/** A refusal worth retrying after `retryAfterSeconds` (answered with a Retry-After header). */
export abstract class RetryLaterError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(message: string, options: ErrorOptions & { retryAfterSeconds: number }) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class NoHostAvailableError extends RetryLaterError {
  override readonly name = 'NoHostAvailableError';
  readonly code = 'NO_HOST_AVAILABLE';
}

export class QrNotAvailableError extends AppError {
  override readonly name = 'QrNotAvailableError';
  readonly code = 'QR_NOT_AVAILABLE';
}

export class SessionNotConnectedError extends AppError {
  override readonly name = 'SessionNotConnectedError';
  readonly code = 'SESSION_NOT_CONNECTED';
}

export class HostUnreachableError extends AppError {
  override readonly name = 'HostUnreachableError';
  readonly code = 'HOST_UNREACHABLE';
}

export class HostTimeoutError extends AppError {
  override readonly name = 'HostTimeoutError';
  readonly code = 'HOST_TIMEOUT';
}

/** An idempotency key repeated with another request than the one it was first used for. */
export class IdempotencyKeyReusedError extends AppError {
  override readonly name = 'IdempotencyKeyReusedError';
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
}

export class PayloadTooLargeError extends AppError {
  override readonly name = 'PayloadTooLargeError';
  readonly code = 'PAYLOAD_TOO_LARGE';
}

/** Also raised for another tenant's endpoint. */
export class WebhookNotFoundError extends AppError {
  override readonly name = 'WebhookNotFoundError';
  readonly code = 'WEBHOOK_NOT_FOUND';
  constructor(options: ErrorOptions = {}) {
    super('webhook endpoint not found', options);
  }
}

/** The URL is not a destination webhooks may reach (scheme, credentials, or a refused address). */
export class WebhookUrlRefusedError extends AppError {
  override readonly name = 'WebhookUrlRefusedError';
  readonly code = 'WEBHOOK_URL_REFUSED';
}

/** The tenant already has the most endpoints it may have. */
export class WebhookLimitReachedError extends AppError {
  override readonly name = 'WebhookLimitReachedError';
  readonly code = 'WEBHOOK_LIMIT_REACHED';
}

/** A tenant quota (sessions, running sessions) is used up; nothing was created or started. */
export class QuotaExceededError extends AppError {
  override readonly name = 'QuotaExceededError';
  readonly code = 'QUOTA_EXCEEDED';
  constructor(quota: string, limit: number, options: ErrorOptions = {}) {
    super(`tenant quota ${quota} (${limit}) reached`, { ...options, details: { quota, limit } });
  }
}

/** Too many requests of one kind in a time; `retryAfterSeconds` says when one will pass. */
export class RateLimitedError extends AppError {
  override readonly name = 'RateLimitedError';
  readonly code = 'RATE_LIMITED';
  readonly retryAfterSeconds: number;
  constructor(limit: string, retryAfterSeconds: number, options: ErrorOptions = {}) {
    super(`rate limit ${limit} reached; retry after ${retryAfterSeconds} s`, {
      ...options,
      details: { limit, retryAfterSeconds, ...options.details },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A session's send queue holds its limit of pending messages; nothing was queued. */
export class SendQueueFullError extends AppError {
  override readonly name = 'SendQueueFullError';
  readonly code = 'SEND_QUEUE_FULL';
  readonly retryAfterSeconds: number;
  constructor(limit: number, retryAfterSeconds: number, options: ErrorOptions = {}) {
    super(`the session's send queue holds ${limit} messages; retry after ${retryAfterSeconds} s`, {
      ...options,
      details: { limit, retryAfterSeconds },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A pairing code asked for another number than the one the session was created for. */
export class PhoneNumberMismatchError extends AppError {
  override readonly name = 'PhoneNumberMismatchError';
  readonly code = 'PHONE_NUMBER_MISMATCH';
}

/** A WebSocket connection holds the most subscriptions it may (sent on the connection, not over HTTP). */
export class SubscriptionLimitError extends AppError {
  override readonly name = 'SubscriptionLimitError';
  readonly code = 'SUBSCRIPTION_LIMIT';
}

/** A tenant holds the most WebSocket connections it may (the `$connect` handshake is refused with 429). */
export class ConnectionLimitError extends AppError {
  override readonly name = 'ConnectionLimitError';
  readonly code = 'CONNECTION_LIMIT';
}

/** No such media object in the session (also for another tenant's or session's media id). */
export class MediaNotFoundError extends AppError {
  override readonly name = 'MediaNotFoundError';
  readonly code = 'MEDIA_NOT_FOUND';
  constructor(options: ErrorOptions = {}) {
    super('media not found', options);
  }
}

/** Media over its kind's limit (MEDIA_LIMIT_BYTES); nothing was stored or sent. */
export class MediaTooLargeError extends AppError {
  override readonly name = 'MediaTooLargeError';
  readonly code = 'MEDIA_TOO_LARGE';
}

/** The bytes are not what the kind (or the declared mimetype) says; nothing was sent. */
export class MediaTypeMismatchError extends AppError {
  override readonly name = 'MediaTypeMismatchError';
  readonly code = 'MEDIA_TYPE_MISMATCH';
}

/** A media URL that is not a destination hosts may fetch from (scheme, credentials, a refused address). */
export class MediaUrlRefusedError extends AppError {
  override readonly name = 'MediaUrlRefusedError';
  readonly code = 'MEDIA_URL_REFUSED';
}

/** A media URL the host could not fetch (an error status, a redirect, a broken transfer); nothing was sent. */
export class MediaUrlFailedError extends AppError {
  override readonly name = 'MediaUrlFailedError';
  readonly code = 'MEDIA_URL_FAILED';
}

/** The owning host runs as many media transfers as it may (ZAPFLEET_MEDIA_TRANSFERS); retry later. */
export class MediaTransfersBusyError extends RetryLaterError {
  override readonly name = 'MediaTransfersBusyError';
  readonly code = 'MEDIA_TRANSFERS_BUSY';
}

/** The host cannot reach media storage now (or has none configured); nothing was sent. */
export class MediaUnavailableError extends RetryLaterError {
  override readonly name = 'MediaUnavailableError';
  readonly code = 'MEDIA_UNAVAILABLE';
}

/** A broken invariant or an unexpected dependency failure; details never reach the caller. */
/** Edit or delete-for-everyone of a message the session did not send (known as a contact's message). */
export class NotOwnMessageError extends AppError {
  override readonly name = 'NotOwnMessageError';
  readonly code = 'NOT_OWN_MESSAGE';
}

/** WhatsApp knows no such group. */
export class GroupNotFoundError extends AppError {
  override readonly name = 'GroupNotFoundError';
  readonly code = 'GROUP_NOT_FOUND';
}

/** The linked number is not in the group, or not an admin where that is needed. */
export class GroupForbiddenError extends AppError {
  override readonly name = 'GroupForbiddenError';
  readonly code = 'GROUP_FORBIDDEN';
}

/** WhatsApp refused a group request with another code (in `details.whatsAppStatus` when known). */
export class GroupRequestRefusedError extends AppError {
  override readonly name = 'GroupRequestRefusedError';
  readonly code = 'GROUP_REQUEST_REFUSED';
}

/** A contacts check over its per-call bound (MAX_CONTACT_CHECK numbers). */
export class TooManyNumbersError extends AppError {
  override readonly name = 'TooManyNumbersError';
  readonly code = 'TOO_MANY_NUMBERS';
}

export class InternalError extends AppError {
  override readonly name = 'InternalError';
  readonly code = 'INTERNAL';
}
