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

/** Fields of a CloudWatch embedded-metric-format record for the sessions a host owns. */
export function sessionsOwnedMetric(count: number, now: number): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: HOST_METRICS.namespace,
          Dimensions: [[]],
          Metrics: [{ Name: HOST_METRICS.sessionsOwned, Unit: 'Count' }],
        },
      ],
    },
    [HOST_METRICS.sessionsOwned]: count,
  };
}
