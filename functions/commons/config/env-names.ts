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
  tableTenants: 'ZAPFLEET_TABLE_TENANTS',
  tableWebhooks: 'ZAPFLEET_TABLE_WEBHOOKS',
  tableWebhookCursors: 'ZAPFLEET_TABLE_WEBHOOK_CURSORS',
  tableWebhookDeliveries: 'ZAPFLEET_TABLE_WEBHOOK_DELIVERIES',
  // Webhooks (the dispatcher; the API for saving endpoints).
  /** `loopback-http` (local mode): receivers on loopback over http; otherwise public https only. */
  webhookDestinations: 'ZAPFLEET_WEBHOOK_DESTINATIONS',
  /** Comma-separated retry delays in ms (tests shorten the ~27 h default). */
  webhookRetryDelaysMs: 'ZAPFLEET_WEBHOOK_RETRY_DELAYS_MS',
  webhookTimeoutMs: 'ZAPFLEET_WEBHOOK_TIMEOUT_MS',
  webhookLeaseMs: 'ZAPFLEET_WEBHOOK_LEASE_MS',
  webhookSweepIntervalMs: 'ZAPFLEET_WEBHOOK_SWEEP_INTERVAL_MS',
  webhookRotationOverlapSeconds: 'ZAPFLEET_WEBHOOK_ROTATION_OVERLAP_SECONDS',
  /** An endpoint failing without one success for this long is disabled (default 5 days). */
  webhookDisableAfterMs: 'ZAPFLEET_WEBHOOK_DISABLE_AFTER_MS',
  authBucket: 'ZAPFLEET_AUTH_BUCKET',
  /** Private bucket of media in and out, under media/{tenant}/{session}/{mediaId}. */
  mediaBucket: 'ZAPFLEET_MEDIA_BUCKET',
  /** Lifetime of presigned media links (GET and PUT) in seconds; default 300. */
  mediaUrlTtlSeconds: 'ZAPFLEET_MEDIA_URL_TTL_SECONDS',
  /** PEM file of an extra CA the host trusts for WhatsApp's media hosts (the fake's test CA only). */
  mediaCaFile: 'ZAPFLEET_MEDIA_CA_FILE',
  /** `loopback-http` (local mode and tests): media URLs on loopback are allowed; otherwise public https only. */
  mediaUrlDestinations: 'ZAPFLEET_MEDIA_URL_DESTINATIONS',
  logLevel: 'LOG_LEVEL',
  // Auth of tenant tokens: HS256 secret locally, JWKS + issuer + audience in the cloud.
  jwtSecret: 'ZAPFLEET_JWT_SECRET',
  jwksUrl: 'ZAPFLEET_JWKS_URL',
  jwtIssuer: 'ZAPFLEET_JWT_ISSUER',
  jwtAudience: 'ZAPFLEET_JWT_AUDIENCE',
  tenantClaim: 'ZAPFLEET_TENANT_CLAIM',
  roleClaim: 'ZAPFLEET_ROLE_CLAIM',
  /** The only tenant whose MASTER tokens are honoured; unset: no MASTER token is. */
  operatorTenant: 'ZAPFLEET_OPERATOR_TENANT',
  // Control plane -> session host internal endpoint credential (never a tenant JWT).
  internalToken: 'ZAPFLEET_INTERNAL_TOKEN',
  /** In AWS the API gets the secret's ARN instead of its value, and reads it at cold start. */
  internalTokenSecretArn: 'ZAPFLEET_INTERNAL_TOKEN_SECRET_ARN',
  hostRequestTimeoutMs: 'ZAPFLEET_HOST_REQUEST_TIMEOUT_MS',
  // API Gateway WebSocket management endpoint (PostToConnection).
  wsManagementEndpoint: 'ZAPFLEET_WS_MANAGEMENT_ENDPOINT',
  eventLogTtlSeconds: 'ZAPFLEET_EVENT_LOG_TTL_SECONDS',
  // Session host.
  hostId: 'ZAPFLEET_HOST_ID',
  hostEndpoint: 'ZAPFLEET_HOST_ENDPOINT',
  hostPort: 'ZAPFLEET_HOST_PORT',
  hostCapacity: 'ZAPFLEET_HOST_CAPACITY',
  waWebSocketUrl: 'ZAPFLEET_WA_WEBSOCKET_URL',
  waVersion: 'ZAPFLEET_WA_VERSION',
  /** Hex public key of a WhatsApp certificate authority to trust instead of the pinned one (fake server only). */
  waCertPublicKey: 'ZAPFLEET_WA_CERT_PUBLIC_KEY',
  reconcileIntervalMs: 'ZAPFLEET_RECONCILE_INTERVAL_MS',
  heartbeatIntervalMs: 'ZAPFLEET_HEARTBEAT_INTERVAL_MS',
  leaseMs: 'ZAPFLEET_LEASE_MS',
  handoffBudgetMs: 'ZAPFLEET_HANDOFF_BUDGET_MS',
  /** Lifetime of each QR; unset keeps Baileys' (60 s for the first, 20 s for each refresh). */
  qrTimeoutMs: 'ZAPFLEET_QR_TIMEOUT_MS',
  // Tenant limits (defaults; a MASTER sets per-tenant overrides through the API).
  maxSessionsPerTenant: 'ZAPFLEET_MAX_SESSIONS_PER_TENANT',
  maxRunningSessionsPerTenant: 'ZAPFLEET_MAX_RUNNING_SESSIONS_PER_TENANT',
  /** Sustained requests per second per tenant (REST and WebSocket actions each have a bucket). */
  tenantRequestRate: 'ZAPFLEET_TENANT_REQUEST_RATE',
  tenantRequestBurst: 'ZAPFLEET_TENANT_REQUEST_BURST',
  pairingCodesPerSession: 'ZAPFLEET_PAIRING_CODES_PER_SESSION',
  pairingCodesPerTenant: 'ZAPFLEET_PAIRING_CODES_PER_TENANT',
  pairingWindowSeconds: 'ZAPFLEET_PAIRING_WINDOW_SECONDS',
  maxSubscriptionsPerConnection: 'ZAPFLEET_MAX_SUBSCRIPTIONS_PER_CONNECTION',
  maxConnectionsPerTenant: 'ZAPFLEET_MAX_CONNECTIONS_PER_TENANT',
  /** Pending messages per session (the API counts them on the outbox) and the pace hosts send at. */
  sendQueueLimit: 'ZAPFLEET_SEND_QUEUE_LIMIT',
  sendRatePerSecond: 'ZAPFLEET_SEND_RATE_PER_SECOND',
  /** Directory where runtimes record their DynamoDB/S3 requests (set by the test run only). */
  awsOperationLog: 'ZAPFLEET_AWS_OP_LOG',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
