import type { Logger } from 'pino';
import type { DisconnectPolicyConfig } from '#commons/domain/disconnect-policy.ts';
import type { Fence } from '#commons/domain/fence.ts';
import type { SendPacing } from '#commons/domain/send-pacing.ts';
import type { SessionOwnership } from '#commons/domain/session-ownership.ts';
import type { SessionState } from '#commons/domain/session-status.ts';
import type { MediaRuntime } from '../media/media-runtime.ts';
import type { HostMetrics } from '../metrics.ts';
import type { SessionAuth } from '../ports/auth-state-store.ts';
import type { EventSink } from './session-events.ts';
import type { SocketSettings } from './socket-factory.ts';

export interface ManagedSessionDeps {
  readonly sessionId: string;
  readonly tenantId: string;
  readonly fence: Fence;
  /** The record's status when this host claimed it (where the status model starts). */
  readonly initial: SessionState;
  readonly auth: SessionAuth;
  readonly ownership: Pick<SessionOwnership, 'writeStatus'>;
  /** This session's events, appended in order with bounded retries (message events never dropped). */
  readonly events: EventSink;
  readonly logger: Logger;
  readonly metrics: HostMetrics;
  readonly socket: SocketSettings;
  readonly policy?: DisconnectPolicyConfig;
  readonly random?: () => number;
  /** Paces this session's outgoing messages (created per session; DEFAULT_SEND_PACING unless set). */
  readonly pacing?: SendPacing;
  /** Media in and out; without it media sends fail MEDIA_NOT_CONFIGURED and incoming media MEDIA_STORE_FAILED. */
  readonly media?: MediaRuntime;
  /** The socket opened (after the status write was queued): the send queue may drain. */
  readonly onConnected?: (sessionId: string) => void;
  /** A reconnect waits on it: while the host's lease is lost no new socket opens (it would replace a peer's). */
  readonly whenActing?: () => Promise<void>;
  /** The session ended on its own (stopped, logged out, failed, fenced): the host forgets it. */
  readonly onEnded: (sessionId: string) => void;
}

/** What Baileys puts in `lastDisconnect.error` (a Boom). */
export interface CloseError {
  readonly output?: { readonly statusCode?: number };
  /** The socket's own error (Baileys' Boom `data`), e.g. `{code: 'ENOTFOUND'}`. */
  readonly data?: { readonly code?: unknown };
}

export const STATE_WRITE_FAILED = {
  code: 'STATE_WRITE_FAILED',
  message: 'the session state could not be saved; the host retries on its next reconcile',
} as const;

/** stop: STOPPED; logout: unlink + wipe; release: close for a handoff or restart; unlink: the record is gone. */
export type EndMode = 'stop' | 'logout' | 'release' | 'unlink';
