import { zValidator } from '@hono/zod-validator';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { z } from 'zod';
import { MEDIA_ID_PATTERN, MEDIA_KINDS } from '#commons/domain/media.ts';
import { messageActionSchema, quotedSchema } from '#commons/domain/message-content.ts';
import { RECIPIENT_PATTERN } from '#commons/domain/recipient.ts';
import { groupFailure } from './groups/group-errors.ts';
import { groupRoutes } from './groups/group-routes.ts';
import { MediaError } from './media/media-errors.ts';
import { MEDIA_RETRY_AFTER_SECONDS, MEDIA_SEND_STATUS } from './media/media-status.ts';
import { chatRoutes } from './messaging/chat-routes.ts';
import { NotOwnMessageError } from './messaging/message-ids.ts';
import { encodeSentContent } from './messaging/stored-sent-contents.ts';
import type { HostMetrics } from './metrics.ts';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from './metrics-render.ts';
import { InvalidRecipientError, SessionNotConnectedError } from './runtime/managed-session.ts';
import { SendQueueFullError } from './runtime/send-pacer.ts';
import type { SessionHost } from './session-host.ts';

const mediaSchema = z.strictObject({
  kind: z.enum(MEDIA_KINDS),
  source: z.union([
    z.strictObject({ mediaId: z.string().regex(MEDIA_ID_PATTERN) }),
    z.strictObject({ url: z.string().min(1).max(4_096) }),
  ]),
  mimetype: z.string().min(1).max(255).optional(),
  caption: z.string().min(1).max(4_096).optional(),
  fileName: z.string().min(1).max(255).optional(),
  ptt: z.boolean().optional(),
});
/** Exactly one of `text`, `media` and `action` (HostMessage); `quoted` with text or media. */
const sendSchema = z.union([
  z.object({
    to: z.string().regex(RECIPIENT_PATTERN),
    text: z.string().min(1).max(65_536),
    quoted: quotedSchema.optional(),
    messageId: z.string().regex(/^[A-Z0-9]{8,64}$/),
  }),
  z.object({
    to: z.string().regex(RECIPIENT_PATTERN),
    media: mediaSchema,
    quoted: quotedSchema.optional(),
    messageId: z.string().regex(/^[A-Z0-9]{8,64}$/),
  }),
  // Strict: a quote with an action is refused, not dropped.
  z.strictObject({
    to: z.string().regex(RECIPIENT_PATTERN),
    action: messageActionSchema,
    messageId: z.string().regex(/^[A-Z0-9]{8,64}$/),
  }),
]);
const pairingSchema = z.object({ phoneNumber: z.string().regex(/^[1-9][0-9]{6,14}$/) });
const nudgeSchema = z.object({ sessionId: z.string().min(1).max(128) });

const error = (code: string, message: string) => ({ error: { code, message } });

/**
 * Every refusal is 401 UNAUTHENTICATED with one body: bearer-auth answers a
 * malformed header with 400 by default, which would tell a caller more than
 * the old endpoint did.
 */
function internalCredential(token: string): MiddlewareHandler {
  const refuse = (c: Context) => c.json(error('UNAUTHENTICATED', 'internal credential required'), 401);
  return bearerAuth({
    token,
    noAuthenticationHeader: { message: refuse },
    invalidAuthenticationHeader: { message: refuse },
    invalidToken: { message: refuse },
  });
}

/**
 * A JSON body checked by `schema`; anything else (wrong shape, no JSON
 * content type, or a body that is not JSON at all) is 400 VALIDATION_FAILED
 * saying what was expected.
 */
function jsonBody<T extends z.ZodType>(schema: T, expected: string) {
  const invalid = (c: Context) => c.json(error('VALIDATION_FAILED', `expected ${expected}`), 400);
  const validate = zValidator('json', schema, (result, c) => (result.success ? undefined : invalid(c)));
  // The validator throws a bare HTTPException 400 on malformed JSON, before the hook runs.
  const middleware: MiddlewareHandler = async (c, next) => {
    try {
      return await validate(c, next);
    } catch (err) {
      if (err instanceof HTTPException && err.status === 400) return invalid(c);
      throw err;
    }
  };
  return middleware as typeof validate;
}

/**
 * The host's internal endpoint: commands from the control plane (internal
 * credential, never a tenant token) plus health, readiness and metrics.
 */
export function createInternalApi(host: SessionHost, metrics: HostMetrics, internalToken: string): Hono {
  const app = new Hono();
  app.use(requestId());

  app.get('/healthz', (c) => c.json({ status: 'ok', hostId: host.hostId }));
  app.get('/readyz', (c) => {
    if (!host.ready) return c.json({ status: 'draining' }, 503);
    const events = host.eventBacklog();
    // Events the log has not taken for a while: the host works, but what it receives is not yet durable.
    if (events.stalled) return c.json({ status: 'degraded', code: 'EVENT_BACKLOG', events }, 503);
    return c.json({ status: 'ready', events });
  });
  app.get('/metrics', async (c) => {
    const text = await renderPrometheus(metrics, {
      sessionsByStatus: host.sessionsByStatus(),
      eventLoopLagMs: host.eventLoopLagMs(),
    });
    return c.text(text, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
  });

  app.use('/internal/*', internalCredential(internalToken));
  groupRoutes(app, host);
  chatRoutes(app, host, metrics);

  app.post('/internal/sessions/:id/messages', jsonBody(sendSchema, '{to, text, messageId}'), async (c) => {
    const input = c.req.valid('json');
    const session = host.session(c.req.param('id'));
    if (!session?.isConnected)
      return c.json(error('SESSION_NOT_CONNECTED', 'session is not connected here'), 409);
    try {
      const sent = await session.send(input);
      const content = encodeSentContent(session.sent.contents.find(sent.messageId));
      return c.json(
        {
          messageId: sent.messageId,
          status: 'SENT',
          ...(content && { content: Buffer.from(content).toString('base64') }),
        },
        201,
      );
    } catch (err) {
      if (err instanceof SessionNotConnectedError)
        return c.json(error('SESSION_NOT_CONNECTED', err.message), 409);
      if (err instanceof InvalidRecipientError) return c.json(error('VALIDATION_FAILED', err.message), 400);
      if (err instanceof NotOwnMessageError) return c.json(error(err.code, err.message), 422);
      if (err instanceof SendQueueFullError) {
        c.header('Retry-After', String(err.retryAfterSeconds));
        return c.json(error(err.code, err.message), 429);
      }
      const group = groupFailure(err);
      if (group) return c.json(error(group.code, group.message), group.status);
      if (err instanceof MediaError) {
        const status = MEDIA_SEND_STATUS[err.code];
        if (status === 429 || status === 503) c.header('Retry-After', String(MEDIA_RETRY_AFTER_SECONDS));
        return c.json(error(err.code, err.message), status);
      }
      throw err;
    }
  });

  app.post('/internal/sessions/:id/pairing-code', jsonBody(pairingSchema, '{phoneNumber}'), async (c) => {
    const input = c.req.valid('json');
    const session = host.session(c.req.param('id'));
    if (!session) return c.json(error('SESSION_NOT_CONNECTED', 'session is not running here'), 409);
    try {
      return c.json({ code: await session.requestPairingCode(input.phoneNumber) });
    } catch (err) {
      if (err instanceof SessionNotConnectedError)
        return c.json(error('SESSION_NOT_CONNECTED', err.message), 409);
      throw err;
    }
  });

  app.post('/internal/nudge', jsonBody(nudgeSchema, '{sessionId}'), (c) => {
    const input = c.req.valid('json');
    void host.reconcileSession(input.sessionId);
    return c.json({ accepted: true }, 202);
  });

  /**
   * The API fenced the session for deletion: answer only once it is closed here
   * and no auth-state write of it is in flight, so the API's wipe is final.
   */
  app.post('/internal/sessions/:id/quiesce', async (c) => {
    await host.quiesce(c.req.param('id'));
    return c.json({ quiesced: true }, 200);
  });

  /** Stop is a desired-state change in DynamoDB; this only makes the host act on it now. */
  app.post('/internal/sessions/:id/stop', (c) => {
    void host.reconcileSession(c.req.param('id'));
    return c.json({ accepted: true }, 202);
  });

  app.notFound((c) => c.json(error('NOT_FOUND', 'no such route'), 404));
  app.onError((err, c) =>
    err instanceof HTTPException ? err.getResponse() : c.json(error('INTERNAL', 'internal error'), 500),
  );
  return app;
}
