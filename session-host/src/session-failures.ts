import type { Logger } from 'pino';
import type { EventData } from '#commons/domain/event-payloads.ts';
import { type Fence, FencedError } from '#commons/domain/fence.ts';
import type { OwnedSession, SessionOwnership } from '#commons/domain/session-ownership.ts';
import { LOGGED_OUT_BY_REQUEST } from '#commons/domain/session-status.ts';
import { statusPatch } from '#commons/domain/status-patch.ts';
import type { EventPublisher } from '#commons/events/ports.ts';
import { AuthStateCorruptedError } from './auth-state/auth-data.ts';
import type { HostMetrics } from './metrics.ts';
import type { AuthStateStore } from './ports/auth-state-store.ts';

export const AUTH_STATE_CORRUPTED = {
  code: 'AUTH_STATE_CORRUPTED',
  message: 'the stored WhatsApp auth state of this session cannot be read',
  action:
    'log the session out (POST /v1/sessions/{id}/logout) to wipe it, then start it and link the phone again',
} as const;

export interface FailureDeps {
  readonly ownership: Pick<SessionOwnership, 'writeStatus' | 'clear'>;
  readonly publisher: EventPublisher;
  readonly metrics: HostMetrics;
  readonly logger: Logger;
  readonly authStates: Pick<AuthStateStore, 'wipe'>;
}

/** What a host does when a session's auth state cannot be written, read, or must go. */
export class SessionFailures {
  constructor(private readonly deps: FailureDeps) {}

  private publish<T extends 'session:error' | 'session:logged-out'>(
    record: OwnedSession,
    type: T,
    data: EventData<T>,
  ) {
    return this.deps.publisher
      .publish({ type, tenantId: record.tenantId, sessionId: record.sessionId, data })
      .catch(() => this.deps.metrics.publishErrors.inc());
  }

  /** A commit failed (S3 or DynamoDB away): visible as an event, a metric and a log, never swallowed. */
  authWriteFailed(record: OwnedSession, err: unknown): void {
    if (err instanceof FencedError) return;
    this.deps.metrics.authWriteErrors.inc();
    this.deps.logger.error({ err, sessionId: record.sessionId }, 'auth state write failed');
    void this.publish(record, 'session:error', {
      code: 'AUTH_STATE_WRITE_FAILED',
      message: 'could not persist keys; WhatsApp will retry delivery',
    });
  }

  /** Loading failed: corrupted state stops the session with a way out; an outage is retried later. */
  async authOpenFailed(
    record: OwnedSession,
    fence: Fence,
    err: unknown,
    firstOfStreak = true,
  ): Promise<void> {
    const corrupted = err instanceof AuthStateCorruptedError;
    this.deps.logger.error({ err, sessionId: record.sessionId, corrupted }, 'auth state could not be loaded');
    // A retry of an outage already reported is not news: one event per streak, the backoff metric counts the rest.
    if (!corrupted && !firstOfStreak) return;
    if (corrupted) {
      // Never a crash loop, never a silent new QR over a linked device.
      const { patch } = statusPatch(record, { type: 'FAILED', reason: AUTH_STATE_CORRUPTED }, { qr: null });
      await this.deps.ownership.writeStatus(record.sessionId, fence, patch, 'STOPPED');
    }
    await this.publish(
      record,
      'session:error',
      corrupted
        ? { code: AUTH_STATE_CORRUPTED.code, reason: AUTH_STATE_CORRUPTED }
        : { code: 'AUTH_STATE_UNAVAILABLE', message: 'auth state storage unavailable; retrying' },
    );
  }

  /** A logout for a session not running here: wipe its state without reading it (it may be corrupted). */
  async logoutIdle(record: OwnedSession, fence: Fence, prefix: string): Promise<void> {
    await this.deps.ownership.clear(record.sessionId, fence);
    await this.deps.authStates.wipe(prefix);
    const { patch } = statusPatch(
      record,
      { type: 'LOGGED_OUT', reason: LOGGED_OUT_BY_REQUEST },
      { qr: null, me: null, clearLogoutRequest: true },
    );
    await this.deps.ownership.writeStatus(record.sessionId, fence, patch, 'STOPPED');
    await this.publish(record, 'session:logged-out', { reason: LOGGED_OUT_BY_REQUEST });
  }
}
