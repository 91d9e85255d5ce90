import type { Logger } from 'pino';
import type { Semaphore } from '#commons/concurrency/semaphore.ts';
import type { DisconnectPolicyConfig } from '#commons/domain/disconnect-policy.ts';
import type { Fence } from '#commons/domain/fence.ts';
import type { SendPacing } from '#commons/domain/send-pacing.ts';
import type { OwnedSession, SessionOwnership } from '#commons/domain/session-ownership.ts';
import type { HostRegistration } from '#commons/hosts/host-registry.ts';
import { AUTH_BUCKET } from '#commons/storage/tables.ts';
import type { MediaRuntime } from '../media/media-runtime.ts';
import type { StoredSentContents } from '../messaging/stored-sent-contents.ts';
import type { HostMetrics } from '../metrics.ts';
import type { AuthStateStore, SessionAuth } from '../ports/auth-state-store.ts';
import { ManagedSession, type SocketSettings } from '../runtime/managed-session.ts';
import type { EventSink } from '../runtime/session-events.ts';
import type { SessionFailures } from '../session-failures.ts';
import type { AuthWriters } from './auth-writers.ts';
import type { LocalSessions } from './local-sessions.ts';
import type { StartRetries } from './start-retries.ts';

export interface SessionStarterDeps {
  readonly host: HostRegistration;
  readonly ownership: SessionOwnership;
  readonly authStates: AuthStateStore;
  readonly events: EventSink;
  readonly logger: Logger;
  readonly metrics: HostMetrics;
  readonly socket: SocketSettings;
  readonly policy?: DisconnectPolicyConfig | undefined;
  readonly local: LocalSessions;
  readonly writers: AuthWriters;
  readonly failures: SessionFailures;
  readonly retries: StartRetries;
  readonly pacing?: SendPacing;
  readonly media?: MediaRuntime;
  /** Starts (claim, auth-state read, socket creation) running at once on this host. */
  readonly startSlots: Semaphore;
  /** A session's socket opened: its send queue can drain. */
  readonly onConnected?: (sessionId: string) => void;
  /** Auth commits wait on it (the host's lease lost: they write nothing until it is back). */
  readonly whenActing?: () => Promise<void>;
  /** Sent messages' content kept with their SENT rows, for a contact asking again after a takeover. */
  readonly sentReader?: StoredSentContents;
}

export function authPrefix(record: OwnedSession): string {
  return AUTH_BUCKET.sessionPrefix(record.tenantId, record.sessionId);
}

/**
 * Claims a session (epoch + 1), opens its auth state and starts its socket:
 * a bounded number at once (HOST_LIMITS.startConcurrency), and after a failure
 * to open the auth state only when the session's backoff allows.
 */
export class SessionStarter {
  /** Starts decided and not finished yet: reserved capacity. */
  pending = 0;

  constructor(private readonly deps: SessionStarterDeps) {}

  /** Wants to run here, is not running, and its next start attempt is not due yet. */
  waitingToRetry(record: OwnedSession): boolean {
    return (
      record.desired === 'RUNNING' &&
      !record.logoutRequested &&
      !this.deps.local.get(record.sessionId) &&
      !this.deps.retries.mayAttempt(record.sessionId)
    );
  }

  forget(sessionId: string): void {
    this.deps.retries.forget(sessionId);
  }

  retainOnly(assigned: ReadonlySet<string>): void {
    this.deps.retries.retainOnly(assigned);
  }

  claim(record: OwnedSession): Promise<Fence | undefined> {
    const { host } = this.deps;
    return this.deps.ownership.claim(record.sessionId, host.hostId, host.incarnation, record.epoch);
  }

  async start(record: OwnedSession): Promise<void> {
    // No claim (no epoch growth) and no read while the session backs off.
    if (!this.deps.retries.mayAttempt(record.sessionId)) return;
    const { startSlots, metrics } = this.deps;
    // Counted in the load from now on, so concurrent decisions cannot over-fill the host.
    this.pending += 1;
    metrics.startsWaiting.inc();
    try {
      await startSlots.run(async () => {
        metrics.startsWaiting.inc(-1);
        await this.startNow(record);
      });
    } finally {
      this.pending -= 1;
    }
  }

  private async startNow(record: OwnedSession): Promise<void> {
    const fence = await this.claim(record);
    if (!fence) return;
    let session: ManagedSession | undefined;
    let auth: SessionAuth;
    try {
      auth = await this.deps.authStates.open({
        prefix: authPrefix(record),
        sessionId: record.sessionId,
        fence,
        onFenced: () => session?.onFenced(),
        onCommitError: (err) => this.deps.failures.authWriteFailed(record, err),
        ...(this.deps.whenActing && { whenActing: this.deps.whenActing }),
      });
    } catch (err) {
      const firstOfStreak = this.deps.retries.failed(record.sessionId);
      if (!firstOfStreak) this.deps.metrics.startRetries.inc();
      await this.deps.failures.authOpenFailed(record, fence, err, firstOfStreak);
      return;
    }
    this.deps.retries.succeeded(record.sessionId);
    this.deps.writers.add(record.sessionId, auth);
    const reader = this.deps.sentReader;
    const started = new ManagedSession({
      sessionId: record.sessionId,
      tenantId: record.tenantId,
      fence,
      initial: record,
      auth,
      ownership: this.deps.ownership,
      events: this.deps.events,
      logger: this.deps.logger,
      metrics: this.deps.metrics,
      socket: {
        ...this.deps.socket,
        ...(this.deps.media && { fetchAgent: this.deps.media.agent }),
        onResendMiss: () => this.deps.metrics.resendMisses.inc(),
        onDecryptReplay: () => this.deps.metrics.decryptReplays.inc(),
        onResendFailed: () => {
          this.deps.metrics.resendFailures.inc();
          this.deps.logger.warn(
            { sessionId: record.sessionId },
            'resend failed; socket ended to be asked again',
          );
        },
        ...(reader && { findSent: (messageId: string) => reader.find(record.sessionId, messageId) }),
      },
      ...(this.deps.policy && { policy: this.deps.policy }),
      ...(this.deps.pacing && { pacing: this.deps.pacing }),
      ...(this.deps.media && { media: this.deps.media }),
      ...(this.deps.onConnected && { onConnected: this.deps.onConnected }),
      ...(this.deps.whenActing && { whenActing: this.deps.whenActing }),
      onEnded: () => this.deps.local.forgetIfCurrent(started),
    });
    session = started;
    this.deps.local.add(started, record.restartRequested);
    started.start();
  }
}
