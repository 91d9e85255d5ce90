import type { Principal } from '#commons/auth/principal.ts';
import {
  DEFAULT_SEND_PACING,
  queueFullRetryAfterSeconds,
  type SendQueueLimits,
} from '#commons/domain/send-pacing.ts';
import { matchesRequest, queueKeyFor } from '#commons/domain/session-outbox.ts';
import {
  IdempotencyKeyReusedError,
  InternalError,
  SendQueueFullError,
  SessionNotConnectedError,
} from '#commons/errors/app-errors.ts';
import { LIMIT_REFUSED_MESSAGE, LIMITS } from '#commons/observability/limit-metrics.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { prepareSend } from './outgoing-content.ts';
import { liveOwner, loadVisibleSession, nudge } from './session-access.ts';
import type { SendMessageInput, SentMessage } from './session-messaging.ts';

export const DEFAULT_SEND_QUEUE_LIMITS: SendQueueLimits = DEFAULT_SEND_PACING;

/**
 * The 202 path: the message is durable in the session's queue (state QUEUED)
 * before the answer; the owning host sends it in queue order at the paced
 * rate. A session that is to run may queue while it (re)connects.
 */
export async function queueMessage(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  input: SendMessageInput,
): Promise<SentMessage> {
  const session = await loadVisibleSession(deps, principal, sessionId);
  if (session.desired !== 'RUNNING') {
    throw new SessionNotConnectedError('the session is not running; start it before queueing messages', {
      details: { status: session.status },
    });
  }
  if (!deps.queue) throw new InternalError('no send queue is configured');
  const limits = deps.sendQueue ?? DEFAULT_SEND_QUEUE_LIMITS;
  // Media is checked (exists, size, type) before the row is written: a refusal queues nothing.
  const { content, messageId, now, row, digest } = await prepareSend(deps, session, input);
  const result = await deps.queue.enqueue(
    {
      ...row,
      to: input.to,
      ...content,
      ...(input.quoted && { quoted: input.quoted }),
      queueKey: queueKeyFor(now, messageId),
      state: 'QUEUED',
    },
    limits.queueLimit,
    now,
  );
  if (result.kind === 'full') {
    deps.log.warn({ limit: LIMITS.sendQueue, tenantId: session.tenantId, sessionId }, LIMIT_REFUSED_MESSAGE);
    throw new SendQueueFullError(
      limits.queueLimit,
      queueFullRetryAfterSeconds({ ratePerSecond: limits.ratePerSecond }),
    );
  }
  if (result.kind === 'existing') {
    if (!matchesRequest(result.entry, digest)) {
      throw new IdempotencyKeyReusedError(
        'this idempotency key was already used for a different message; use a new key',
      );
    }
    const status = result.entry.state ?? result.entry.status ?? 'QUEUED';
    return { messageId: result.entry.messageId, status, replayed: true };
  }
  await nudge(deps, await liveOwner(deps, session, now), sessionId);
  return { messageId, status: 'QUEUED', replayed: false };
}
