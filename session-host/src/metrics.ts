/**
 * The host's Prometheus metrics, kept as plain counters and gauges: the
 * exposition format is a few lines, not worth a dependency.
 */
export interface Counter {
  inc(by?: number): void;
  readonly value: number;
}

function counter(): Counter {
  let value = 0;
  return {
    inc: (by = 1) => {
      value += by;
    },
    get value() {
      return value;
    },
  };
}

/** The last samples of a duration, for percentiles in benchmarks; Prometheus gets count and sum. */
export interface Samples {
  observe(ms: number): void;
  readonly count: number;
  readonly sum: number;
  percentile(p: number): number;
}

const SAMPLES_KEPT = 4096;

function samples(): Samples {
  const kept: number[] = [];
  let count = 0;
  let sum = 0;
  return {
    observe(ms) {
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
  /** From an incoming message's frame to its event being durable: the receipt waits this long. */
  readonly receiptHoldMs: Samples;
}

export function createHostMetrics(): HostMetrics {
  return {
    messagesIn: counter(),
    messagesOut: counter(),
    reconnects: counter(),
    authWrites: counter(),
    authWriteErrors: counter(),
    publishErrors: counter(),
    eventQueueDepth: counter(),
    eventQueueOverflows: counter(),
    eventsDropped: counter(),
    receiptGateFallbacks: counter(),
    receiptHoldMs: samples(),
  };
}

export interface MetricsSnapshot {
  readonly sessionsByStatus: Record<string, number>;
  readonly eventLoopLagMs: number;
}

export function renderPrometheus(metrics: HostMetrics, snapshot: MetricsSnapshot): string {
  const lines: string[] = [];
  const metric = (
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    samples: [string, number][],
  ): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  metric(
    'zapfleet_sessions',
    'gauge',
    'Sessions on this host by status.',
    Object.entries(snapshot.sessionsByStatus).map(([status, n]) => [`{status="${status}"}`, n]),
  );
  metric('zapfleet_messages_in_total', 'counter', 'Messages received from WhatsApp.', [
    ['', metrics.messagesIn.value],
  ]);
  metric('zapfleet_messages_out_total', 'counter', 'Messages sent to WhatsApp.', [
    ['', metrics.messagesOut.value],
  ]);
  metric('zapfleet_reconnects_total', 'counter', 'Reconnects by the disconnect policy.', [
    ['', metrics.reconnects.value],
  ]);
  metric('zapfleet_auth_state_writes_total', 'counter', 'Durable auth-state commits.', [
    ['', metrics.authWrites.value],
  ]);
  metric('zapfleet_auth_state_write_errors_total', 'counter', 'Failed auth-state commits.', [
    ['', metrics.authWriteErrors.value],
  ]);
  metric('zapfleet_event_publish_errors_total', 'counter', 'Events that failed to publish.', [
    ['', metrics.publishErrors.value],
  ]);
  metric('zapfleet_event_queue_depth', 'gauge', 'Events waiting to be appended to the log.', [
    ['', metrics.eventQueueDepth.value],
  ]);
  metric(
    'zapfleet_event_queue_overflows_total',
    'counter',
    'Message events refused because a session queue was full (EVENT_QUEUE_FULL).',
    [['', metrics.eventQueueOverflows.value]],
  );
  metric('zapfleet_events_dropped_total', 'counter', 'Non-message events given up after their retries.', [
    ['', metrics.eventsDropped.value],
  ]);
  metric(
    'zapfleet_receipt_gate_fallbacks_total',
    'counter',
    'Incoming messages whose receipt was released without an event (no upsert in time).',
    [['', metrics.receiptGateFallbacks.value]],
  );
  metric('zapfleet_receipt_hold_ms_sum', 'counter', 'Time receipts waited for their events (ms).', [
    ['', Math.round(metrics.receiptHoldMs.sum)],
  ]);
  metric('zapfleet_receipt_hold_count', 'counter', 'Receipts that waited for their events.', [
    ['', metrics.receiptHoldMs.count],
  ]);
  metric('zapfleet_event_loop_lag_ms', 'gauge', 'Event-loop delay (p99 over the last interval).', [
    ['', snapshot.eventLoopLagMs],
  ]);
  return `${lines.join('\n')}\n`;
}
