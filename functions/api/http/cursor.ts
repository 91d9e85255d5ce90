import { z } from 'zod';
import { SESSION_ID_PATTERN } from '#commons/domain/ids.ts';
import type { SessionCursor } from '#commons/domain/session-repository.ts';
import { ValidationFailedError } from '#commons/errors/app-errors.ts';

/** Opaque to callers; the tenant always comes from the token, so a cursor cannot cross tenants. */
const cursorSchema = z.tuple([z.string().min(1).max(200), z.string().regex(SESSION_ID_PATTERN)]);

export function encodeCursor(cursor: SessionCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdKey, cursor.sessionId])).toString('base64url');
}

export function decodeCursor(value: string): SessionCursor {
  try {
    const [createdKey, sessionId] = cursorSchema.parse(
      JSON.parse(Buffer.from(value, 'base64url').toString('utf8')),
    );
    return { createdKey, sessionId };
  } catch (cause) {
    throw new ValidationFailedError('invalid cursor', {
      cause,
      details: { location: 'query', issues: [{ path: 'cursor', message: 'invalid cursor' }] },
    });
  }
}
