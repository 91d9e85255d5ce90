import type { WASocket } from '@whiskeysockets/baileys';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import {
  type ContactCheckRate,
  DEFAULT_CONTACT_CHECK_RATE,
  isBucketFull,
  type NumberBucket,
  takeNumbers,
} from '#commons/domain/contact-check-rate.ts';
import { MAX_CONTACT_CHECK, presenceSchema, readSchema } from '#commons/domain/message-content.ts';
import { RECIPIENT_PATTERN } from '#commons/domain/recipient.ts';
import type { HostMetrics } from '../metrics.ts';
import type { ManagedSession } from '../runtime/managed-session.ts';
import { InvalidRecipientError } from '../runtime/session-errors.ts';
import type { SessionHost } from '../session-host.ts';
import { checkContacts, markRead, sendPresence } from './chat-actions.ts';

const chat = z.string().regex(RECIPIENT_PATTERN);
const readBody = readSchema.extend({ chat });
const presenceBody = presenceSchema.extend({ chat });
const contactsBody = z.strictObject({
  numbers: z
    .array(z.string().regex(/^[1-9][0-9]{6,14}$/))
    .min(1)
    .max(MAX_CONTACT_CHECK),
});

const error = (code: string, message: string) => ({ error: { code, message } });

/** The session checked too many numbers lately (DEFAULT_CONTACT_CHECK_RATE). */
class ContactCheckRateError extends Error {
  override readonly name = 'ContactCheckRateError';
  constructor(readonly retryAfterSeconds: number) {
    super(`this session checked too many numbers lately; retry after ${retryAfterSeconds} s`);
  }
}

async function bodyOf<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T> | undefined> {
  const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
  return parsed.success ? parsed.data : undefined;
}

/**
 * Chat actions on a connected session's socket: read receipts, presence and
 * the contacts check. Registered behind the internal credential.
 */
export function chatRoutes(
  app: Hono,
  host: SessionHost,
  metrics: HostMetrics,
  rate: ContactCheckRate = DEFAULT_CONTACT_CHECK_RATE,
): void {
  const buckets = new Map<string, NumberBucket>();
  /** Takes `count` numbers from the session's bucket, or says how long to wait; full buckets are dropped. */
  const admit = (sessionId: string, count: number): number | undefined => {
    const now = performance.now();
    for (const [id, bucket] of buckets) if (isBucketFull(bucket, rate, now)) buckets.delete(id);
    const taken = takeNumbers(buckets.get(sessionId), rate, count, now);
    if (!taken.ok) return taken.retryAfterSeconds;
    buckets.set(sessionId, taken.bucket);
    return undefined;
  };
  const run = async <T extends z.ZodType>(
    c: Context,
    schema: T,
    act: (sock: WASocket, body: z.infer<T>, session: ManagedSession) => Promise<unknown>,
  ) => {
    const body = await bodyOf(c, schema);
    if (!body) return c.json(error('VALIDATION_FAILED', 'invalid body'), 400);
    const session = host.session(c.req.param('id') ?? '');
    const sock = session?.current().sock;
    if (!session || !sock)
      return c.json(error('SESSION_NOT_CONNECTED', 'session is not connected here'), 409);
    try {
      return c.json((await act(sock, body, session)) ?? { accepted: true }, 200);
    } catch (err) {
      if (err instanceof InvalidRecipientError) return c.json(error('VALIDATION_FAILED', err.message), 400);
      if (err instanceof ContactCheckRateError) {
        c.header('Retry-After', String(err.retryAfterSeconds));
        return c.json(error('RATE_LIMITED', err.message), 429);
      }
      throw err;
    }
  };
  app.post('/internal/sessions/:id/read', (c) =>
    run(c, readBody, (sock, body, session) => markRead(sock, body, session.sent.unread)),
  );
  app.post('/internal/sessions/:id/presence', (c) =>
    run(c, presenceBody, (sock, body) => sendPresence(sock, body.chat, body.presence)),
  );
  app.post('/internal/sessions/:id/contacts/check', (c) =>
    run(c, contactsBody, async (sock, body) => {
      const waitSeconds = admit(c.req.param('id') ?? '', body.numbers.length);
      if (waitSeconds !== undefined) {
        metrics.contactChecksRefused.inc();
        throw new ContactCheckRateError(waitSeconds);
      }
      return { contacts: await checkContacts(sock, body.numbers) };
    }),
  );
}
