import type { SessionRecord } from '#commons/domain/session-record.ts';
import { PhoneNumberMismatchError, RateLimitedError } from '#commons/errors/app-errors.ts';
import { LIMIT_REFUSED_MESSAGE, LIMITS } from '#commons/observability/limit-metrics.ts';
import type { UseCaseDependencies } from './dependencies.ts';

/**
 * Refuses a pairing request before it reaches a host: another number than the
 * session was created for (a code for the wrong phone links the wrong
 * account), then too many codes for the session, then for the tenant — each
 * a fixed window shared by every Lambda instance. Pairing codes are what
 * WhatsApp watches for abuse, so they are bounded tighter than requests.
 */
export async function admitPairing(
  deps: UseCaseDependencies,
  session: SessionRecord,
  phoneNumber: string,
): Promise<void> {
  if (session.phoneNumber !== undefined && session.phoneNumber !== phoneNumber)
    throw new PhoneNumberMismatchError('the phone number differs from the one the session was created with', {
      details: { sessionId: session.sessionId },
    });
  const limits = deps.limits;
  if (!limits) return;
  const { perSession, perTenant, windowSeconds } = limits.pairing;
  const checks = [
    { limit: LIMITS.pairingCodesPerSession, key: `pairing-session#${session.sessionId}`, max: perSession },
    { limit: LIMITS.pairingCodesPerTenant, key: 'pairing-tenant', max: perTenant },
  ];
  for (const check of checks) {
    const decision = await limits.rates.takeInWindow(session.tenantId, check.key, check.max, windowSeconds);
    if (decision.allowed) continue;
    deps.log.warn(
      { limit: check.limit, tenantId: session.tenantId, sessionId: session.sessionId },
      LIMIT_REFUSED_MESSAGE,
    );
    throw new RateLimitedError(check.limit, decision.retryAfterSeconds, {
      details: { max: check.max, windowSeconds },
    });
  }
}
