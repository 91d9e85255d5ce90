/**
 * Every environment variable the runtime reads. `infra/` sets them from these
 * constants, so a rename is a compile error rather than a silent mismatch.
 */
export const ENV = {
  region: 'AWS_REGION',
  endpointUrl: 'AWS_ENDPOINT_URL',
  endpointDynamoDb: 'AWS_ENDPOINT_URL_DYNAMODB',
  endpointS3: 'AWS_ENDPOINT_URL_S3',
  tablePrefix: 'ZAPFLEET_TABLE_PREFIX',
  tableSessions: 'ZAPFLEET_TABLE_SESSIONS',
  tableSessionNames: 'ZAPFLEET_TABLE_SESSION_NAMES',
  tableHosts: 'ZAPFLEET_TABLE_HOSTS',
  tableConnections: 'ZAPFLEET_TABLE_CONNECTIONS',
  tableSubscriptions: 'ZAPFLEET_TABLE_SUBSCRIPTIONS',
  tableEvents: 'ZAPFLEET_TABLE_EVENTS',
  tableOutbox: 'ZAPFLEET_TABLE_OUTBOX',
  authBucket: 'ZAPFLEET_AUTH_BUCKET',
  logLevel: 'LOG_LEVEL',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
