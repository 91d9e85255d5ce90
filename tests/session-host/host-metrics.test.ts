import { describe, expect, it } from 'vitest';
import { createHostMetrics } from '../../session-host/src/metrics.ts';
import { renderPrometheus } from '../../session-host/src/metrics-render.ts';

const snapshot = { sessionsByStatus: { CONNECTED: 2, CONNECTING: 1 }, eventLoopLagMs: 1.5 };

describe('host metrics', () => {
  it('keeps each host’s counters in its own registry', async () => {
    const a = createHostMetrics();
    const b = createHostMetrics();
    a.messagesIn.inc();
    a.messagesIn.inc(2);
    expect(a.messagesIn.value).toBe(3);
    expect(b.messagesIn.value).toBe(0);
    expect(await renderPrometheus(a, snapshot)).toMatch(/^zapfleet_messages_in_total 3$/m);
    expect(await renderPrometheus(b, snapshot)).toMatch(/^zapfleet_messages_in_total 0$/m);
  });

  it('lets the event queue depth go down as events leave', async () => {
    const m = createHostMetrics();
    m.eventQueueDepth.inc();
    m.eventQueueDepth.inc();
    m.eventQueueDepth.inc(-1);
    expect(m.eventQueueDepth.value).toBe(1);
    expect(await renderPrometheus(m, snapshot)).toMatch(/^zapfleet_event_queue_depth 1$/m);
  });

  it('exposes how long receipts waited as a histogram, and keeps percentiles for benchmarks', async () => {
    const m = createHostMetrics();
    for (const ms of [3, 40, 40, 700]) m.receiptHoldMs.observe(ms);
    expect(m.receiptHoldMs.count).toBe(4);
    expect(m.receiptHoldMs.sum).toBe(783);
    expect(m.receiptHoldMs.percentile(50)).toBe(40);
    const text = await renderPrometheus(m, snapshot);
    expect(text).toMatch(/^# TYPE zapfleet_receipt_hold_ms histogram$/m);
    expect(text).toMatch(/^zapfleet_receipt_hold_ms_bucket\{le="50"\} 3$/m);
    expect(text).toMatch(/^zapfleet_receipt_hold_ms_count 4$/m);
    expect(text).toMatch(/^zapfleet_receipt_hold_ms_sum 783$/m);
  });

  it('reports sessions by status, the host’s lag gauge, and the process defaults with event-loop lag', async () => {
    const text = await renderPrometheus(createHostMetrics(), snapshot);
    expect(text).toMatch(/^zapfleet_sessions\{status="CONNECTED"\} 2$/m);
    expect(text).toMatch(/^zapfleet_sessions\{status="CONNECTING"\} 1$/m);
    expect(text).toMatch(/^zapfleet_event_loop_lag_ms 1.5$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text.match(/^# TYPE nodejs_eventloop_lag_seconds /gm)).toHaveLength(1);
  });
});
