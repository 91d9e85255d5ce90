import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  AppError,
  type ErrorCode,
  InternalError,
  PayloadTooLargeError,
  RateLimitedError,
  RetryLaterError,
  SendQueueFullError,
  ValidationFailedError,
} from '#commons/errors/app-errors.ts';
import type { Logger } from '#commons/logging/logger.ts';
import { LIMIT_REFUSED_MESSAGE } from '#commons/observability/limit-metrics.ts';
import type { ApiEnv } from './api-env.ts';

/** The one place error codes become HTTP statuses; a new code without a status does not compile. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  QR_NOT_AVAILABLE: 404,
  SESSION_NAME_TAKEN: 409,
  SESSION_NOT_CONNECTED: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  WEBHOOK_NOT_FOUND: 404,
  WEBHOOK_URL_REFUSED: 400,
  WEBHOOK_LIMIT_REACHED: 409,
  PHONE_NUMBER_MISMATCH: 409,
  PAYLOAD_TOO_LARGE: 413,
  MEDIA_NOT_FOUND: 404,
  MEDIA_TOO_LARGE: 413,
  MEDIA_TYPE_MISMATCH: 415,
  MEDIA_URL_REFUSED: 422,
  MEDIA_URL_FAILED: 422,
  MEDIA_TRANSFERS_BUSY: 429,
  MEDIA_UNAVAILABLE: 503,
  NOT_OWN_MESSAGE: 422,
  TOO_MANY_NUMBERS: 400,
  GROUP_NOT_FOUND: 404,
  GROUP_FORBIDDEN: 403,
  GROUP_REQUEST_REFUSED: 422,
  QUOTA_EXCEEDED: 429,
  RATE_LIMITED: 429,
  SEND_QUEUE_FULL: 429,
  SUBSCRIPTION_LIMIT: 429,
  CONNECTION_LIMIT: 429,
  INTERNAL: 500,
  HOST_UNREACHABLE: 502,
  NO_HOST_AVAILABLE: 503,
  HOST_TIMEOUT: 504,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown>; requestId: string };
}

/** Anything thrown becomes a typed error; unknown failures become INTERNAL without their message. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    // Hono raises these for malformed JSON and oversized bodies before our code runs.
    if (err.status === 413) return new PayloadTooLargeError('request body too large', { cause: err });
    if (err.status === 400) return new ValidationFailedError('malformed JSON body', { cause: err });
  }
  return new InternalError('internal error', { cause: err });
}

export function errorResponse(c: Context<ApiEnv>, err: unknown, log: Logger): Response {
  const error = toAppError(err);
  const status = ERROR_STATUS[error.code];
  const requestId = c.get('requestId') ?? 'unknown';
  if (status >= 500) log.error({ err, requestId, code: error.code }, 'request failed');
  // Rates log their own refusals where they are taken; quotas are refused inside a transaction, so here.
  if (error.code === 'QUOTA_EXCEEDED')
    log.warn(
      { requestId, limit: error.details?.quota, tenantId: c.get('principal')?.tenantId },
      LIMIT_REFUSED_MESSAGE,
    );
  if (
    error instanceof RetryLaterError ||
    error instanceof RateLimitedError ||
    error instanceof SendQueueFullError
  )
    c.header('retry-after', String(error.retryAfterSeconds));
  if (error.code === 'UNAUTHENTICATED') c.header('www-authenticate', 'Bearer');
  const body: ErrorBody = {
    error: {
      code: error.code,
      // An INTERNAL error's own message may carry internals; the caller gets a fixed one.
      message: error.code === 'INTERNAL' ? 'internal error' : error.message,
      ...(error.details && error.code !== 'INTERNAL' && { details: error.details }),
      requestId,
    },
  };
  return c.json(body, status);
}
