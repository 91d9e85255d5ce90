import { type ActionRoute, ok } from '../route-context.ts';

export const pingRoute: ActionRoute = async (ctx, connectionId) => {
  await ctx.send(connectionId, { type: 'pong', at: new Date(ctx.now()).toISOString() });
  return ok;
};
