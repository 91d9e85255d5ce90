import { ok, type RouteContext, type WsEvent, type WsResult } from '../route-context.ts';

export async function disconnectRoute(ctx: RouteContext, event: WsEvent): Promise<WsResult> {
  await ctx.deps.connections.removeConnection(event.requestContext.connectionId);
  return ok;
}
