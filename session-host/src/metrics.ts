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

export interface HostMetrics {
  readonly messagesIn: Counter;
  readonly messagesOut: Counter;
  readonly reconnects: Counter;
  readonly authWrites: Counter;
  readonly authWriteErrors: Counter;
  readonly publishErrors: Counter;
}

export function createHostMetrics(): HostMetrics {
  return {
    messagesIn: counter(),
    messagesOut: counter(),
    reconnects: counter(),
    authWrites: counter(),
    authWriteErrors: counter(),
    publishErrors: counter(),
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
  metric('zapfleet_event_loop_lag_ms', 'gauge', 'Event-loop delay (p99 over the last interval).', [
    ['', snapshot.eventLoopLagMs],
  ]);
  return `${lines.join('\n')}\n`;
}
