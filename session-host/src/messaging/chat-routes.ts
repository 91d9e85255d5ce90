import type { WASocket } from '@whiskeysockets/baileys';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { MAX_CONTACT_CHECK, presenceSchema, readSchema } from '#commons/domain/message-content.ts';
import { RECIPIENT_PATTERN } from '#commons/domain/recipient.ts';
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

async function bodyOf<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T> | undefined> {
  const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
  return parsed.success ? parsed.data : undefined;
}

/**
 * Chat actions on a connected session's socket: read receipts, presence and
 * the contacts check. Registered behind the internal credential.
 */
export function chatRoutes(app: Hono, host: SessionHost): void {
  const run = async <T extends z.ZodType>(
    c: Context,
    schema: T,
    act: (sock: WASocket, body: z.infer<T>) => Promise<unknown>,
  ) => {
    const body = await bodyOf(c, schema);
    if (!body) return c.json(error('VALIDATION_FAILED', 'invalid body'), 400);
    const sock = host.session(c.req.param('id') ?? '')?.current().sock;
    if (!sock) return c.json(error('SESSION_NOT_CONNECTED', 'session is not connected here'), 409);
    try {
      return c.json((await act(sock, body)) ?? { accepted: true }, 200);
    } catch (err) {
      if (err instanceof InvalidRecipientError) return c.json(error('VALIDATION_FAILED', err.message), 400);
      throw err;
    }
  };
  app.post('/internal/sessions/:id/read', (c) => run(c, readBody, (sock, body) => markRead(sock, body)));
  app.post('/internal/sessions/:id/presence', (c) =>
    run(c, presenceBody, (sock, body) => sendPresence(sock, body.chat, body.presence)),
  );
  app.post('/internal/sessions/:id/contacts/check', (c) =>
    run(c, contactsBody, async (sock, body) => ({ contacts: await checkContacts(sock, body.numbers) })),
  );
}
