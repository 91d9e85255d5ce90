/** Names the dispatcher logs and publishes, shared with the alarms in infra/. */
export const WEBHOOK_METRICS = {
  namespace: 'Zapfleet',
  deadLetters: 'WebhookDeadLetters',
  /** Age of the oldest cursor with pending work (a retry due, or events not yet sent). */
  oldestPendingAgeSeconds: 'WebhookOldestPendingAgeSeconds',
} as const;

/** pino `msg` of a dead-lettered delivery; a metric filter counts these lines. */
export const DEAD_LETTER_MESSAGE = 'webhook delivery dead-lettered';

/** A CloudWatch embedded-metric-format line for one gauge (Lambda turns such log lines into metrics). */
export function emfGauge(name: string, value: number, unit: 'Seconds' | 'Count', now: number): string {
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        { Namespace: WEBHOOK_METRICS.namespace, Dimensions: [[]], Metrics: [{ Name: name, Unit: unit }] },
      ],
    },
    [name]: value,
  });
}
