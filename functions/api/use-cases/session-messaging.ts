import type { Principal } from '#commons/auth/principal.ts';
import { newMessageId } from '#commons/domain/ids.ts';
import { OUTBOX_RETENTION_SECONDS } from '#commons/domain/session-outbox.ts';
import type { SessionRecord } from '#commons/domain/session-record.ts';
import { canSendMessages, isQrCurrent } from '#commons/domain/session-status.ts';
import { QrNotAvailableError, SessionNotConnectedError } from '#commons/errors/app-errors.ts';
import type { HostRecord } from '#commons/hosts/host-record.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { liveOwner, loadVisibleSession } from './session-access.ts';

export interface SendMessageInput {
  readonly to: string;
  readonly text: string;
  readonly idempotencyKey?: string | undefined;
}

export interface SentMessage {
  readonly messageId: string;
  readonly status: string;
  /** True when an earlier request with the same key already sent it. */
  readonly replayed: boolean;
}

/**
 * Mints the message id, records it under the idempotency key before the host
 * is asked, and forwards only while the row says it has not been sent.
 */
export async function sendMessage(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  input: SendMessageInput,
): Promise<SentMessage> {
  const session = await loadVisibleSession(deps, principal, sessionId);
  const now = deps.clock();
  const messageId = (deps.newMessageId ?? newMessageId)();
  const { entry } = await deps.outbox.reserve(
    {
      sessionId,
      idempotencyKey: input.idempotencyKey ?? messageId,
      messageId,
      tenantId: session.tenantId,
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + OUTBOX_RETENTION_SECONDS,
    },
    now,
  );
  if (entry.sentAt !== undefined) {
    return { messageId: entry.messageId, status: entry.status ?? 'SENT', replayed: true };
  }
  const host = await connectedHost(deps, session, now);
  const result = await deps.hostClient.sendMessage(host.endpoint, sessionId, {
    to: input.to,
    text: input.text,
    messageId: entry.messageId,
  });
  await deps.outbox.markSent(sessionId, entry.idempotencyKey, result.status, deps.clock());
  return { messageId: entry.messageId, status: result.status, replayed: false };
}

export async function requestPairingCode(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  phoneNumber: string,
): Promise<{ code: string }> {
  const session = await loadVisibleSession(deps, principal, sessionId);
  const host = await liveOwner(deps, session, deps.clock());
  if (!host) {
    throw new SessionNotConnectedError('the session is not running on a host; start it first', {
      details: { status: session.status },
    });
  }
  return deps.hostClient.requestPairingCode(host.endpoint, sessionId, phoneNumber);
}

export interface CurrentQr {
  readonly qr: string;
  readonly seq: number;
  readonly expiresAt: string;
}

export async function currentQr(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
): Promise<CurrentQr> {
  const session = await loadVisibleSession(deps, principal, sessionId);
  if (!session.qr || !isQrCurrent(session, deps.clock())) {
    throw new QrNotAvailableError('no QR code to scan right now', {
      details: {
        status: session.status,
        ...(session.statusReason && { statusReason: session.statusReason }),
      },
    });
  }
  return { qr: session.qr.value, seq: session.qr.seq, expiresAt: session.qr.expiresAt };
}

async function connectedHost(
  deps: UseCaseDependencies,
  session: SessionRecord,
  now: Date,
): Promise<HostRecord> {
  const host = canSendMessages(session.status) ? await liveOwner(deps, session, now) : undefined;
  if (!host) {
    throw new SessionNotConnectedError('the session is not connected to WhatsApp', {
      details: { status: session.status },
    });
  }
  return host;
}
