import { z } from 'zod';
import { type ActionRoute, ok } from '../route-context.ts';

const unsubscribeSchema = z.object({
  action: z.literal('unsubscribe'),
  sessionId: z.string().min(1).max(128),
});

export const unsubscribeRoute: ActionRoute = async (ctx, connectionId, _connection, body) => {
  const parsed = unsubscribeSchema.safeParse(body);
  if (!parsed.success) return ctx.fail(connectionId, 'VALIDATION_FAILED', 'expected {action, sessionId}');
  await ctx.deps.connections.unsubscribe(parsed.data.sessionId, connectionId);
  await ctx.send(connectionId, { type: 'unsubscribed', sessionId: parsed.data.sessionId });
  return ok;
};
