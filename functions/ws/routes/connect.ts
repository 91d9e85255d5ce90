import { ok, type RouteContext, type WsEvent, type WsResult } from '../route-context.ts';

/** `$connect`: a token that fails the check rejects the handshake with its status; a good one is recorded with its expiry. */
export async function connectRoute(ctx: RouteContext, event: WsEvent): Promise<WsResult> {
  const check = await ctx.deps.checkToken(event.queryStringParameters?.token ?? undefined);
  if (!check.ok) return { statusCode: check.status, body: JSON.stringify({ error: { code: check.code } }) };
  await ctx.deps.connections.putConnection({
    connectionId: event.requestContext.connectionId,
    tenantId: check.principal.tenantId,
    role: check.principal.role,
    subject: check.principal.subject,
    connectedAt: ctx.now(),
    tokenExpiresAt: check.expiresAt,
  });
  return ok;
}
