import type { WASocket } from '@whiskeysockets/baileys';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import {
  GROUP_JID_PATTERN,
  MAX_GROUP_PARTICIPANTS_PER_CALL,
  MAX_GROUP_SUBJECT_LENGTH,
  PARTICIPANT_PATTERN,
} from '#commons/domain/groups.ts';
import type { SessionHost } from '../session-host.ts';
import { groupFailure } from './group-errors.ts';
import { changeParticipants, createGroup, leaveGroup, listGroups, readGroup } from './group-operations.ts';

const group = z.string().regex(GROUP_JID_PATTERN);
const participants = z
  .array(z.string().regex(PARTICIPANT_PATTERN))
  .min(1)
  .max(MAX_GROUP_PARTICIPANTS_PER_CALL);
const groupBody = z.strictObject({ group });
const createBody = z.strictObject({
  subject: z.string().trim().min(1).max(MAX_GROUP_SUBJECT_LENGTH),
  participants,
});
const participantsBody = z.strictObject({ group, action: z.enum(['add', 'remove']), participants });

const error = (code: string, message: string) => ({ error: { code, message } });

/**
 * Group operations on a connected session's socket: list, read, create,
 * add/remove participants, leave. Registered behind the internal credential.
 */
export function groupRoutes(app: Hono, host: SessionHost): void {
  const run = async <T extends z.ZodType>(
    c: Context,
    schema: T,
    act: (sock: WASocket, body: z.infer<T>) => Promise<unknown>,
  ) => {
    const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(error('VALIDATION_FAILED', 'invalid group request'), 400);
    const sock = host.session(c.req.param('id') ?? '')?.current().sock;
    if (!sock) return c.json(error('SESSION_NOT_CONNECTED', 'session is not connected here'), 409);
    try {
      return c.json(await act(sock, parsed.data), 200);
    } catch (err) {
      const failure = groupFailure(err);
      if (failure) return c.json(error(failure.code, failure.message), failure.status);
      throw err;
    }
  };
  const base = '/internal/sessions/:id/groups';
  app.post(`${base}/list`, (c) => run(c, z.object({}), async (sock) => ({ groups: await listGroups(sock) })));
  app.post(`${base}/read`, (c) =>
    run(c, groupBody, async (sock, b) => ({ group: await readGroup(sock, b.group) })),
  );
  app.post(`${base}/create`, (c) =>
    run(c, createBody, async (sock, b) => ({ group: await createGroup(sock, b.subject, b.participants) })),
  );
  app.post(`${base}/participants`, (c) =>
    run(c, participantsBody, async (sock, b) => ({
      participants: await changeParticipants(sock, b.group, b.action, b.participants),
    })),
  );
  app.post(`${base}/leave`, (c) =>
    run(c, groupBody, async (sock, b) => {
      await leaveGroup(sock, b.group);
      return { left: true };
    }),
  );
}
