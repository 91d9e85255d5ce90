/** The host's /metrics text: its own registry with the scrape-time gauges, then the process's default metrics. */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** What the host reads at scrape time. */
export interface MetricsSnapshot {
  readonly sessionsByStatus: Record<string, number>;
  readonly eventLoopLagMs: number;
}

/**
 * Default metrics watch the process (one event-loop monitor, one GC observer):
 * registered once per process, not per host, so hosts sharing a test process
 * do not each start their own observers.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Gauges read at scrape time from the host, set on the host's registry just before it renders. */
export function snapshotGauges(registry: Registry): { sessions: Gauge<'status'>; lag: Gauge } {
  const sessions =
    (registry.getSingleMetric('zapfleet_sessions') as Gauge<'status'> | undefined) ??
    new Gauge({
      name: 'zapfleet_sessions',
      help: 'Sessions on this host by status.',
      labelNames: ['status'],
      registers: [registry],
    });
  const lag =
    (registry.getSingleMetric('zapfleet_event_loop_lag_ms') as Gauge | undefined) ??
    new Gauge({
      name: 'zapfleet_event_loop_lag_ms',
      help: 'Event-loop delay (p99 over the last interval).',
      registers: [registry],
    });
  return { sessions, lag };
}

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export async function renderPrometheus(
  metrics: { readonly registry: Registry },
  snapshot: MetricsSnapshot,
): Promise<string> {
  const { sessions, lag } = snapshotGauges(metrics.registry);
  sessions.reset();
  for (const [status, n] of Object.entries(snapshot.sessionsByStatus)) sessions.set({ status }, n);
  lag.set(snapshot.eventLoopLagMs);
  const [host, process] = await Promise.all([metrics.registry.metrics(), processMetrics().metrics()]);
  return `${host}\n${process}`;
}
