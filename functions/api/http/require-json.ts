import type { MiddlewareHandler } from 'hono';
import { ValidationFailedError } from '#commons/errors/app-errors.ts';
import type { ApiEnv } from './api-env.ts';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * A body declared as anything but JSON is refused rather than ignored: `curl -d`
 * defaults to form encoding, and a silently empty create would surprise.
 * Bodiless commands (`curl -X POST .../start`) carry no content type and pass.
 */
export function requireJsonBody(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const contentType = c.req.header('content-type');
    const mediaType = contentType?.split(';')[0]?.trim() ?? '';
    const emptyBody = c.req.header('content-length') === '0';
    if (contentType !== undefined && !emptyBody && !JSON_MEDIA_TYPE.test(mediaType)) {
      throw new ValidationFailedError('request bodies must be sent as application/json', {
        details: {
          location: 'header',
          issues: [{ path: 'content-type', message: 'expected application/json' }],
        },
      });
    }
    await next();
  };
}
