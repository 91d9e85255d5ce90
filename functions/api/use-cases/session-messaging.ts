import type { Principal } from '#commons/auth/principal.ts';
import { matchesRequest, type OutboxEntry } from '#commons/domain/session-outbox.ts';
import type { SessionRecord } from '#commons/domain/session-record.ts';
import { canSendMessages, isQrCurrent } from '#commons/domain/session-status.ts';
import {
  HostTimeoutError,
  IdempotencyKeyReusedError,
  QrNotAvailableError,
  SessionNotConnectedError,
} from '#commons/errors/app-errors.ts';
import type { HostSendResult } from '#commons/hosts/host-client.ts';
import type { HostRecord } from '#commons/hosts/host-record.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { prepareSend, type SendMessageInput } from './outgoing-content.ts';

export type { SendMessageInput };

import { admitPairing } from './pairing-limits.ts';
import { liveOwner, loadVisibleSession } from './session-access.ts';

export interface SentMessage {
  readonly messageId: string;
  readonly status: string;
  /** True when an earlier request with the same key already sent it. */
  readonly replayed: boolean;
}

const DEFAULT_LEASE_MS = 10_000;
const DEFAULT_POLL_MS = 100;
const DEFAULT_POLLS = 50;

/**
 * Mints the message id and records it under the idempotency key before the
 * host is asked. Exactly one request at a time holds the send lease; a repeat
 * returns the recorded id, waiting for a send in flight to finish.
 */
export async function sendMessage(
  deps: UseCaseDependencies,
  principal: Principal,
  sessionId: string,
  input: SendMessageInput,
): Promise<SentMessage> {
  const session = await loadVisibleSession(deps, principal, sessionId);
  // Media is checked (exists, size, type) before the key is reserved: a refusal writes nothing.
  const { content, now, row, digest } = await prepareSend(deps, session, input);
  const leaseMs = deps.sendLeaseMs ?? DEFAULT_LEASE_MS;
  const reserved = await deps.outbox.reserve({ ...row, leaseUntil: now.getTime() + leaseMs }, now);
  let entry = reserved.entry;
  if (!reserved.created) {
    // Checked before waiting or sending: a key must never carry another text or recipient under its message id.
    if (!matchesRequest(entry, digest)) {
      throw new IdempotencyKeyReusedError(
        'this idempotency key was already used for a different message; use a new key',
      );
    }
    const outcome = await leaseOrResult(deps, entry, leaseMs);
    if (outcome.kind === 'sent')
      return { messageId: outcome.entry.messageId, status: outcome.entry.status ?? 'SENT', replayed: true };
    entry = outcome.entry;
  }
  const key = entry.idempotencyKey;
  let result: HostSendResult;
  try {
    const host = await connectedHost(deps, session, now);
    result = await deps.hostClient.sendMessage(host.endpoint, sessionId, {
      to: input.to,
      ...content,
      ...(input.quoted && { quoted: input.quoted }),
      messageId: entry.messageId,
    });
  } catch (err) {
    // After a timeout the host may still send: the lease stays until it expires, then a retry re-sends the same id.
    if (!(err instanceof HostTimeoutError)) await deps.outbox.releaseLease(sessionId, key);
    throw err;
  }
  const sent = result.content
    ? { messageId: entry.messageId, content: Buffer.from(result.content, 'base64') }
    : undefined;
  await deps.outbox.markSent(sessionId, key, result.status, deps.clock(), sent);
  return { messageId: entry.messageId, status: result.status, replayed: false };
}

async function leaseOrResult(
  deps: UseCaseDependencies,
  first: OutboxEntry,
  leaseMs: number,
): Promise<{ kind: 'sent' | 'leased'; entry: OutboxEntry }> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let entry: OutboxEntry | undefined = first;
  for (let poll = 0; poll < (deps.sendWaitPolls ?? DEFAULT_POLLS); poll++) {
    if (!entry) break;
    if (entry.sentAt !== undefined) return { kind: 'sent', entry };
    const now = deps.clock();
    if (await deps.outbox.acquireLease(entry.sessionId, entry.idempotencyKey, now.getTime() + leaseMs, now)) {
      return { kind: 'leased', entry };
    }
    await sleep(DEFAULT_POLL_MS);
    entry = await deps.outbox.get(first.sessionId, first.idempotencyKey);
  }
  throw new HostTimeoutError('an earlier request with this idempotency key is still being sent; retry later');
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
  await admitPairing(deps, session, phoneNumber);
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
