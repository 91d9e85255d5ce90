import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { RECIPIENT_PATTERN } from '#commons/domain/recipient.ts';
import { type HostMetrics, renderPrometheus } from './metrics.ts';
import { InvalidRecipientError, SessionNotConnectedError } from './runtime/managed-session.ts';
import type { SessionHost } from './session-host.ts';

const sendSchema = z.object({
  to: z.string().regex(RECIPIENT_PATTERN),
  text: z.string().min(1).max(65_536),
  messageId: z.string().regex(/^[A-Z0-9]{8,64}$/),
});
const pairingSchema = z.object({ phoneNumber: z.string().regex(/^[1-9][0-9]{6,14}$/) });
const nudgeSchema = z.object({ sessionId: z.string().min(1).max(128) });

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The host's internal endpoint: commands from the control plane (internal
 * credential, never a tenant token) plus health, readiness and metrics.
 */
export function createInternalApi(host: SessionHost, metrics: HostMetrics, internalToken: string): Hono {
  const app = new Hono();
  const error = (code: string, message: string) => ({ error: { code, message } });

  app.get('/healthz', (c) => c.json({ status: 'ok', hostId: host.hostId }));
  app.get('/readyz', (c) => {
    if (!host.ready) return c.json({ status: 'draining' }, 503);
    const events = host.eventBacklog();
    // Events the log has not taken for a while: the host works, but what it receives is not yet durable.
    if (events.stalled) return c.json({ status: 'degraded', code: 'EVENT_BACKLOG', events }, 503);
    return c.json({ status: 'ready', events });
  });
  app.get('/metrics', (c) =>
    c.text(
      renderPrometheus(metrics, {
        sessionsByStatus: host.sessionsByStatus(),
        eventLoopLagMs: host.eventLoopLagMs(),
      }),
      200,
      { 'content-type': 'text/plain; version=0.0.4' },
    ),
  );

  app.use('/internal/*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token || !sameSecret(token, internalToken))
      return c.json(error('UNAUTHENTICATED', 'internal credential required'), 401);
    await next();
  });

  const body = async <T extends z.ZodType>(c: { req: { json(): Promise<unknown> } }, schema: T) => {
    const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
    return parsed.success ? parsed.data : undefined;
  };

  app.post('/internal/sessions/:id/messages', async (c) => {
    const input = await body(c, sendSchema);
    if (!input) return c.json(error('VALIDATION_FAILED', 'expected {to, text, messageId}'), 400);
    const session = host.session(c.req.param('id'));
    if (!session?.isConnected)
      return c.json(error('SESSION_NOT_CONNECTED', 'session is not connected here'), 409);
    try {
      const sent = await session.sendText(input.to, input.text, input.messageId);
      return c.json({ messageId: sent.messageId, status: 'SENT' }, 201);
    } catch (err) {
      if (err instanceof SessionNotConnectedError)
        return c.json(error('SESSION_NOT_CONNECTED', err.message), 409);
      if (err instanceof InvalidRecipientError) return c.json(error('VALIDATION_FAILED', err.message), 400);
      throw err;
    }
  });

  app.post('/internal/sessions/:id/pairing-code', async (c) => {
    const input = await body(c, pairingSchema);
    if (!input) return c.json(error('VALIDATION_FAILED', 'expected {phoneNumber}'), 400);
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

  app.post('/internal/nudge', async (c) => {
    const input = await body(c, nudgeSchema);
    if (!input) return c.json(error('VALIDATION_FAILED', 'expected {sessionId}'), 400);
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
  app.onError((_err, c) => c.json(error('INTERNAL', 'internal error'), 500));
  return app;
}
