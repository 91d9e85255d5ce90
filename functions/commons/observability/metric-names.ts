import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The observability contract between the runtimes and the alarms and scaling
 * policies in infra/: the session host publishes `SessionsOwned` (count of
 * sessions it owns, no dimensions, every minute) as a CloudWatch embedded
 * metric format log line; runtimes log a PostToConnection failure other than
 * 410 Gone with the static message below, which a metric filter counts.
 */
export const HOST_METRICS = {
  namespace: 'Zapfleet',
  sessionsOwned: 'SessionsOwned',
  postToConnectionFailures: 'PostToConnectionFailures',
} as const;

/** pino writes `msg`; the metric filter counts lines carrying exactly this message. */
export const POST_TO_CONNECTION_FAILED_MESSAGE = 'post to connection failed';

/** The WebSocket Lambda logs (warn) a subscribe-with-replay refused as RATE_LIMITED with exactly this message. */
export const REPLAY_RATE_LIMITED_MESSAGE = 'subscribe replay rate limited';

/**
 * Fields of a CloudWatch embedded-metric-format record for the sessions a host
 * owns, built by Powertools' Metrics (which checks names, units, timestamp and
 * limits). The host logs them through pino, so the line goes through the same
 * guarded stdout as every other line. Powertools always adds a `service`
 * dimension; the scaling policy and alarm read SessionsOwned with none, so it
 * is cleared and one empty dimension set kept (`Dimensions: [[]]`).
 */
export function sessionsOwnedMetric(count: number, now: number): Record<string, unknown> {
  const metrics = new Metrics({ namespace: HOST_METRICS.namespace });
  metrics.clearDefaultDimensions();
  metrics.addDimensions({});
  metrics.setTimestamp(now);
  metrics.addMetric(HOST_METRICS.sessionsOwned, MetricUnit.Count, count);
  return { ...metrics.serializeMetrics() };
}
