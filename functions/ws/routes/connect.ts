import { LIMIT_REFUSED_MESSAGE, LIMITS } from '#commons/observability/limit-metrics.ts';
import { connectToken } from '../connect-token.ts';
import { ok, type RouteContext, type WsEvent, type WsResult } from '../route-context.ts';

/** `$connect`: a token that fails the check rejects the handshake with its status; a good one is recorded with its expiry. */
export async function connectRoute(ctx: RouteContext, event: WsEvent): Promise<WsResult> {
  const { token, protocol } = connectToken(event);
  const check = await ctx.deps.checkToken(token);
  if (!check.ok) return { statusCode: check.status, body: JSON.stringify({ error: { code: check.code } }) };
  const limits = ctx.deps.limits;
  const { tenantId } = check.principal;
  if (limits) {
    const max = limits.maxConnectionsPerTenant;
    if ((await limits.usage.liveConnections(tenantId, max)) >= max) {
      ctx.deps.logger.warn({ limit: LIMITS.connectionsPerTenant, tenantId, max }, LIMIT_REFUSED_MESSAGE);
      return { statusCode: 429, body: JSON.stringify({ error: { code: 'CONNECTION_LIMIT', limit: max } }) };
    }
  }
  await ctx.deps.connections.putConnection({
    connectionId: event.requestContext.connectionId,
    tenantId: check.principal.tenantId,
    role: check.principal.role,
    subject: check.principal.subject,
    connectedAt: ctx.now(),
    tokenExpiresAt: check.expiresAt,
  });
  return protocol ? { ...ok, headers: { 'Sec-WebSocket-Protocol': protocol } } : ok;
}
