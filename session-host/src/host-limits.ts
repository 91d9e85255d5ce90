import { z } from 'zod';
import { parseEnv } from '#commons/config/runtime-config.ts';
import { DEFAULT_SEND_PACING, type SendPacing } from '#commons/domain/send-pacing.ts';
import { DEFAULT_START_BACKOFF, type StartBackoffSchedule } from '#commons/domain/start-backoff.ts';

/** Environment names of the host's limits (kept next to their parser; ENV holds the older ones). */
export const HOST_LIMIT_ENV = {
  startConcurrency: 'ZAPFLEET_HOST_START_CONCURRENCY',
  startBackoffBaseMs: 'ZAPFLEET_HOST_START_BACKOFF_BASE_MS',
  startBackoffMaxMs: 'ZAPFLEET_HOST_START_BACKOFF_MAX_MS',
  sendRatePerSecond: 'ZAPFLEET_SEND_RATE_PER_SECOND',
  sendBurst: 'ZAPFLEET_SEND_BURST',
  sendQueueLimit: 'ZAPFLEET_SEND_QUEUE_LIMIT',
  sendTyping: 'ZAPFLEET_SEND_TYPING',
  sendTypingMs: 'ZAPFLEET_SEND_TYPING_MS',
  mediaTransfers: 'ZAPFLEET_MEDIA_TRANSFERS',
  mediaTransferTimeoutMs: 'ZAPFLEET_MEDIA_TRANSFER_TIMEOUT_MS',
  outboxBackstopMs: 'ZAPFLEET_OUTBOX_BACKSTOP_MS',
} as const;

export interface HostLimits {
  /** Session starts (claim, auth-state read, socket creation) at once per host. */
  readonly startConcurrency: number;
  readonly startBackoff: StartBackoffSchedule;
  readonly sendPacing: SendPacing;
  /** Media sends and downloads at once per host (MEDIA_TRANSFERS_BUSY past it). */
  readonly mediaTransfers: number;
  /** One media transfer, retries included; an incoming message's receipt waits at most this for its media. */
  readonly mediaTransferTimeoutMs: number;
  /** How often the reconcile timer reads a send queue last seen empty (the bound on a lost nudge). */
  readonly outboxBackstopMs: number;
}

/** Enough to bring hundreds of sessions back in seconds without a burst of S3 reads and WhatsApp logins. */
export const DEFAULT_START_CONCURRENCY = 8;

/**
 * Each transfer holds a temp file, two sockets and ~1 MB of stream buffers.
 * The timeout stays under Baileys' keep-alive cutoff (30 s + 5 s) doubled: a
 * download holds its message's receipt, and with it the socket's pings.
 */
export const DEFAULT_MEDIA_TRANSFERS = 8;
export const DEFAULT_MEDIA_TRANSFER_TIMEOUT_MS = 60_000;

/**
 * A queue seen empty is read again only this often by the reconcile timer: a
 * message arrives with a nudge (or its session's connect), so the timer only
 * covers a lost nudge. Reading every idle queue every 5 s cost each idle
 * session a DynamoDB query per tick (~0.4 MB of SDK garbage each).
 */
export const DEFAULT_OUTBOX_BACKSTOP_MS = 60_000;

export const DEFAULT_HOST_LIMITS: HostLimits = {
  startConcurrency: DEFAULT_START_CONCURRENCY,
  mediaTransfers: DEFAULT_MEDIA_TRANSFERS,
  mediaTransferTimeoutMs: DEFAULT_MEDIA_TRANSFER_TIMEOUT_MS,
  startBackoff: DEFAULT_START_BACKOFF,
  sendPacing: DEFAULT_SEND_PACING,
  outboxBackstopMs: DEFAULT_OUTBOX_BACKSTOP_MS,
};

const int = (min: number) => z.coerce.number().int().min(min);
const E = HOST_LIMIT_ENV;
const schema = z.object({
  [E.startConcurrency]: int(1).max(1_000).default(DEFAULT_START_CONCURRENCY),
  [E.startBackoffBaseMs]: int(10).default(DEFAULT_START_BACKOFF.baseMs),
  [E.startBackoffMaxMs]: int(10).default(DEFAULT_START_BACKOFF.maxMs),
  [E.sendRatePerSecond]: z.coerce.number().positive().max(100).default(DEFAULT_SEND_PACING.ratePerSecond),
  [E.sendBurst]: int(1).max(1_000).default(DEFAULT_SEND_PACING.burst),
  [E.sendQueueLimit]: int(1).max(100_000).default(DEFAULT_SEND_PACING.queueLimit),
  [E.sendTyping]: z
    .enum(['true', 'false'])
    .default(DEFAULT_SEND_PACING.typingMs > 0 ? 'true' : 'false')
    .transform((v) => v === 'true'),
  [E.sendTypingMs]: int(0)
    .max(30_000)
    .default(DEFAULT_SEND_PACING.typingMs || 1_000),
  [E.mediaTransfers]: int(1).max(1_000).default(DEFAULT_MEDIA_TRANSFERS),
  [E.mediaTransferTimeoutMs]: int(1_000).max(3_600_000).default(DEFAULT_MEDIA_TRANSFER_TIMEOUT_MS),
  [E.outboxBackstopMs]: int(100).max(3_600_000).default(DEFAULT_OUTBOX_BACKSTOP_MS),
});

export function loadHostLimits(env: NodeJS.ProcessEnv): HostLimits {
  const c = parseEnv(schema, env);
  return {
    startConcurrency: c[E.startConcurrency],
    startBackoff: {
      baseMs: c[E.startBackoffBaseMs],
      maxMs: Math.max(c[E.startBackoffMaxMs], c[E.startBackoffBaseMs]),
    },
    sendPacing: {
      ratePerSecond: c[E.sendRatePerSecond],
      burst: c[E.sendBurst],
      queueLimit: c[E.sendQueueLimit],
      typingMs: c[E.sendTyping] ? c[E.sendTypingMs] : 0,
    },
    mediaTransfers: c[E.mediaTransfers],
    mediaTransferTimeoutMs: c[E.mediaTransferTimeoutMs],
    outboxBackstopMs: c[E.outboxBackstopMs],
  };
}
