import { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from 'zod';
import { ValidationFailedError } from '#commons/errors/app-errors.ts';
import type { ApiEnv } from './api-env.ts';

/** A router whose validation failures all become VALIDATION_FAILED with the failing paths. */
export function createRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
}

export function validationError(error: z.ZodError, target?: string): ValidationFailedError {
  const issues = error.issues.slice(0, 20).map((i) => ({
    path: i.path.map(String).join('.'),
    message: i.message,
  }));
  return new ValidationFailedError('request validation failed', {
    cause: error,
    details: { ...(target && { location: target }), issues },
  });
}
