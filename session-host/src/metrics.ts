/**
 * The host's Prometheus metrics through prom-client: one registry per host
 * (tests run several hosts in one process), plus the process's default
 * metrics (event-loop lag, memory, GC) registered once per process.
 */
import { Gauge, Histogram, Counter as PromCounter, Registry } from 'prom-client';
import { snapshotGauges } from './metrics-render.ts';

/** A counter (or, for the queue depth, a gauge) the host code bumps; `value` reads it back synchronously. */
export interface Counter {
  inc(by?: number): void;
  readonly value: number;
}

/** A duration: a Prometheus histogram, and the last samples kept for percentiles in benchmarks. */
export interface Samples {
  observe(ms: number): void;
  readonly count: number;
  readonly sum: number;
  percentile(p: number): number;
}

export interface HostMetrics {
  readonly messagesIn: Counter;
  readonly messagesOut: Counter;
  readonly reconnects: Counter;
  readonly authWrites: Counter;
  readonly authWriteErrors: Counter;
  readonly publishErrors: Counter;
  /** Events waiting for the log across every session (a gauge; see EVENT_QUEUE_LIMITS). */
  readonly eventQueueDepth: Counter;
  readonly eventQueueOverflows: Counter;
  readonly eventsDropped: Counter;
  /** Incoming messages whose receipt stopped waiting without an event (nacked or undecryptable). */
  readonly receiptGateFallbacks: Counter;
  /** Incoming messages not decrypted because key storage failed: the socket closed so WhatsApp delivers them again. */
  readonly storageRedeliveries: Counter;
  /** A contact asked for a sent message again, and it was no longer held (RESEND_CONTENTS_PER_SESSION). */
  readonly resendMisses: Counter;
  /** A resend a contact asked for failed; the socket ended before Baileys acked the request (resend-failures.ts). */
  readonly resendFailures: Counter;
  /** Messages asked for again that this host did not hold but found stored with their SENT row (SentContents). */
  readonly resendsFromStore: Counter;
  /** Messages delivered again after their keys were spent, answered from what they decrypted to (decryptOnce). */
  readonly decryptReplays: Counter;
  /** Lookups of stored content that failed, or found MAX_SENT_LOOKUPS_IN_FLIGHT reached: counted as misses too. */
  readonly resendStoreFailures: Counter;
  /** Frames dropped because the keys they depend on could not be committed first (CommitBeforeWire); the socket ended. */
  readonly uncommittedFrames: Counter;
  /** Key work started from a finished transaction's context, run in a transaction of its own (CommitBeforeWire). */
  readonly keyWorkAfterEnd: Counter;
  /** From an incoming message's frame to its event being durable: the receipt waits this long. */
  readonly receiptHoldMs: Samples;
  /** Session starts waiting for a start slot (a gauge; see HOST_LIMITS.startConcurrency). */
  readonly startsWaiting: Counter;
  /** Start attempts that failed again to open the auth state, after the first of a streak. */
  readonly startRetries: Counter;
  /** Sessions handed back to the unassigned owner because this host was full. */
  readonly handBacks: Counter;
  /** Sends refused because the session's send queue was full (SEND_QUEUE_FULL). */
  readonly sendQueueFull: Counter;
  /** Sends that stalled on a socket that looked open; each closed the socket (SEND_STALLED, SEND_STALL_MS). */
  readonly sendStalls: Counter;
  /** Contacts checks refused by the session's contact-check rate (RATE_LIMITED). */
  readonly contactChecksRefused: Counter;
  /** Media transfers (sends and downloads) running now (a gauge; see ZAPFLEET_MEDIA_TRANSFERS). */
  readonly mediaTransfersActive: Counter;
  /** Media transfers that found no slot in time (MEDIA_TRANSFERS_BUSY). */
  readonly mediaTransfersBusy: Counter;
  /** Incoming media verified and stored. */
  readonly mediaStored: Counter;
  /** Incoming media announced with media.error instead of an id (expired, integrity, size, download, store). */
  readonly mediaFailed: Counter;
  /** Media messages sent. */
  readonly mediaSent: Counter;
  /** Group metadata asked of WhatsApp: misses of the per-socket cache (GROUP_METADATA_CACHE_LIMIT, TTL). */
  readonly groupMetadataFetches: Counter;
  /** Our group sender key dropped after a member left or was removed, and rotations that failed. */
  readonly senderKeyRotations: Counter;
  readonly senderKeyRotationFailures: Counter;
  /** The host's own registry; rendered by renderPrometheus with the process defaults. */
  readonly registry: Registry;
}

const SAMPLES_KEPT = 4096;
const RECEIPT_HOLD_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000];

/** A Prometheus counter or gauge that also keeps its value for the host's own reads (tests, /readyz). */
function tracked(
  kind: typeof PromCounter | typeof Gauge,
  registry: Registry,
  name: string,
  help: string,
): Counter {
  const prom = new kind({ name, help, registers: [registry] });
  let value = 0;
  return {
    inc: (by = 1) => {
      value += by;
      prom.inc(by);
    },
    get value() {
      return value;
    },
  };
}

const counter = (registry: Registry, name: string, help: string): Counter =>
  tracked(PromCounter, registry, name, help);
const gauge = (registry: Registry, name: string, help: string): Counter =>
  tracked(Gauge, registry, name, help);

function samples(registry: Registry, name: string, help: string): Samples {
  const histogram = new Histogram({ name, help, buckets: RECEIPT_HOLD_BUCKETS_MS, registers: [registry] });
  const kept: number[] = [];
  let count = 0;
  let sum = 0;
  return {
    observe(ms) {
      histogram.observe(ms);
      count += 1;
      sum += ms;
      kept.push(ms);
      if (kept.length > SAMPLES_KEPT) kept.shift();
    },
    get count() {
      return count;
    },
    get sum() {
      return sum;
    },
    percentile(p) {
      const sorted = [...kept].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
    },
  };
}

/** Long only because it is a flat list: one definition per metric, each with its name and help text. */
export function createHostMetrics(): HostMetrics {
  const registry = new Registry();
  snapshotGauges(registry);
  return {
    registry,
    messagesIn: counter(registry, 'zapfleet_messages_in_total', 'Messages received from WhatsApp.'),
    messagesOut: counter(registry, 'zapfleet_messages_out_total', 'Messages sent to WhatsApp.'),
    reconnects: counter(registry, 'zapfleet_reconnects_total', 'Reconnects by the disconnect policy.'),
    authWrites: counter(registry, 'zapfleet_auth_state_writes_total', 'Durable auth-state commits.'),
    authWriteErrors: counter(
      registry,
      'zapfleet_auth_state_write_errors_total',
      'Failed auth-state commits.',
    ),
    publishErrors: counter(registry, 'zapfleet_event_publish_errors_total', 'Events that failed to publish.'),
    eventQueueDepth: gauge(
      registry,
      'zapfleet_event_queue_depth',
      'Events waiting to be appended to the log.',
    ),
    eventQueueOverflows: counter(
      registry,
      'zapfleet_event_queue_overflows_total',
      'Message events refused because a session queue was full (EVENT_QUEUE_FULL).',
    ),
    eventsDropped: counter(
      registry,
      'zapfleet_events_dropped_total',
      'Non-message events given up after their retries.',
    ),
    receiptGateFallbacks: counter(
      registry,
      'zapfleet_receipt_gate_fallbacks_total',
      'Incoming messages whose receipt was released without an event (no upsert in time).',
    ),
    storageRedeliveries: counter(
      registry,
      'zapfleet_storage_redeliveries_total',
      'Incoming messages not decrypted because key storage failed; the socket closed so WhatsApp delivers them again.',
    ),
    resendFailures: counter(
      registry,
      'zapfleet_resend_failures_total',
      'Resends a contact asked for that failed; the socket ended before the request was acked, so it comes again.',
    ),
    resendMisses: counter(
      registry,
      'zapfleet_resend_misses_total',
      'Messages a contact asked for again that were no longer held to encrypt again.',
    ),
    decryptReplays: counter(
      registry,
      'zapfleet_decrypt_replays_total',
      'Messages WhatsApp delivered again after their keys were spent, answered from what they decrypted to.',
    ),
    resendsFromStore: counter(
      registry,
      'zapfleet_resends_from_store_total',
      'Messages a contact asked for again that this host did not hold and read back from the outbox.',
    ),
    resendStoreFailures: counter(
      registry,
      'zapfleet_resend_store_failures_total',
      'Reads of a sent message kept for a resend that failed or found the lookup bound full.',
    ),
    keyWorkAfterEnd: counter(
      registry,
      'zapfleet_key_work_after_end_total',
      "Key reads, writes and transactions started from a finished key transaction's context, given one of their own.",
    ),
    uncommittedFrames: counter(
      registry,
      'zapfleet_uncommitted_frames_total',
      'Sockets ended because the keys an outgoing frame depends on could not be committed before it left.',
    ),
    startsWaiting: gauge(
      registry,
      'zapfleet_session_starts_waiting',
      'Session starts waiting for a start slot (ZAPFLEET_HOST_START_CONCURRENCY).',
    ),
    startRetries: counter(
      registry,
      'zapfleet_session_start_retries_total',
      'Repeated failures to open a session auth state, each retried after a backoff.',
    ),
    handBacks: counter(
      registry,
      'zapfleet_session_handbacks_total',
      'Sessions handed back for placement elsewhere because this host was full (NO_HOST_AVAILABLE).',
    ),
    sendStalls: counter(
      registry,
      'zapfleet_send_stalls_total',
      'Sends not acked by WhatsApp (or stuck before the wire) in time on an open socket; the socket was renewed.',
    ),
    sendQueueFull: counter(
      registry,
      'zapfleet_send_queue_full_total',
      'Sends refused because the session send queue was full (SEND_QUEUE_FULL, ZAPFLEET_SEND_QUEUE_LIMIT).',
    ),
    contactChecksRefused: counter(
      registry,
      'zapfleet_contact_checks_refused_total',
      'Contacts checks refused because the session checked too many numbers lately (RATE_LIMITED).',
    ),
    mediaTransfersActive: gauge(
      registry,
      'zapfleet_media_transfers_active',
      'Media transfers running now (ZAPFLEET_MEDIA_TRANSFERS).',
    ),
    mediaTransfersBusy: counter(
      registry,
      'zapfleet_media_transfers_busy_total',
      'Media transfers that found no free slot in time (MEDIA_TRANSFERS_BUSY).',
    ),
    mediaStored: counter(registry, 'zapfleet_media_stored_total', 'Incoming media verified and stored.'),
    mediaFailed: counter(
      registry,
      'zapfleet_media_failed_total',
      'Incoming media announced with an error instead of a stored object.',
    ),
    mediaSent: counter(registry, 'zapfleet_media_sent_total', 'Media messages sent.'),
    groupMetadataFetches: counter(
      registry,
      'zapfleet_group_metadata_fetches_total',
      'Group metadata asked of WhatsApp.',
    ),
    senderKeyRotations: counter(
      registry,
      'zapfleet_sender_key_rotations_total',
      'Group sender keys rotated.',
    ),
    senderKeyRotationFailures: counter(
      registry,
      'zapfleet_sender_key_rotation_failures_total',
      'Group sender-key rotations that failed every attempt.',
    ),
    receiptHoldMs: samples(
      registry,
      'zapfleet_receipt_hold_ms',
      'Time receipts waited for their events (ms).',
    ),
  };
}
