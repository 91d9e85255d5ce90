/**
 * The observability contract between the runtime and the alarms/scaling here.
 * The session host publishes `SessionsOwned` (count of sessions it owns, no
 * dimensions, at least once a minute); runtimes log a PostToConnection failure
 * other than 410 Gone with the static message below.
 */
export const HOST_METRICS = {
  namespace: 'Zapfleet',
  sessionsOwned: 'SessionsOwned',
  postToConnectionFailures: 'PostToConnectionFailures',
} as const;

/** pino writes `msg`; the metric filter counts lines carrying exactly this message. */
export const POST_TO_CONNECTION_FAILED_MESSAGE = 'post to connection failed';
