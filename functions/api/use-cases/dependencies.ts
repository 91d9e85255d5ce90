import type { MediaStore } from '#commons/domain/media-store.ts';
import type { PickIndex } from '#commons/domain/placement.ts';
import type { SendQueueLimits } from '#commons/domain/send-pacing.ts';
import type { SessionAuthState } from '#commons/domain/session-auth-state.ts';
import type { SendQueue, SessionOutbox } from '#commons/domain/session-outbox.ts';
import type { SessionRepository } from '#commons/domain/session-repository.ts';
import type { EventLog } from '#commons/events/ports.ts';
import type { HostClient } from '#commons/hosts/host-client.ts';
import type { HostDirectory } from '#commons/hosts/host-directory.ts';
import type { Logger } from '#commons/logging/logger.ts';
import type { DestinationMode } from '#commons/webhooks/address-policy.ts';
import type { LimitDependencies } from './tenant-limits.ts';

/** Everything the use cases need, as ports; the composition root supplies adapters. */
export interface UseCaseDependencies {
  readonly sessions: SessionRepository;
  readonly hosts: HostDirectory;
  readonly hostClient: HostClient;
  readonly outbox: SessionOutbox;
  /** The durable send queue (202 path) on the outbox table. */
  readonly queue?: SendQueue | undefined;
  /** The per-session queue bound; DEFAULT_SEND_QUEUE_LIMITS unless set. */
  readonly sendQueue?: SendQueueLimits | undefined;
  readonly authState: SessionAuthState;
  /** The media bucket; absent in harnesses that test other things (media routes then answer INTERNAL). */
  readonly media?: MediaDependencies | undefined;
  /** The API replays a session's events (hosts append them) and retires a deleted session's counter. */
  readonly events: Pick<EventLog, 'after' | 'lastSeq' | 'retire'>;
  readonly log: Logger;
  /** Tenant quotas and rates; without them nothing is limited (harnesses that test other things). */
  readonly limits?: LimitDependencies | undefined;
  readonly clock: () => Date;
  readonly pickIndex?: PickIndex | undefined;
  readonly newSessionId?: (() => string) | undefined;
  readonly newMessageId?: (() => string) | undefined;
  /** How long one request holds the right to forward a send (default 10 s; above the host timeout). */
  readonly sendLeaseMs?: number | undefined;
  /** Waits between looks at a send another request is forwarding (default 100 ms, 50 looks). */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly sendWaitPolls?: number | undefined;
  /** Seconds a caller should wait before retrying a start when no host is live. */
  readonly noHostRetryAfterSeconds?: number | undefined;
}

export interface MediaDependencies {
  readonly store: MediaStore;
  /** Lifetime of presigned PUT and GET links. */
  readonly urlTtlSeconds: number;
  /** Which media URLs a send may name: public https only (`strict`), or loopback too (local mode, tests). */
  readonly urlDestinations: DestinationMode;
}
