/**
 * Every refusal by a limit is logged (warn) with exactly this message and a
 * `limit` field naming it; one CloudWatch metric filter per limit counts
 * them (infra/stacks/observability-stack.ts), so a limit that bites shows up
 * as `Zapfleet/LimitRefusals` with the limit's name as the metric.
 */
export const LIMIT_REFUSED_MESSAGE = 'limit refused';

/** The limits the Lambdas enforce, by the name each refusal logs and each metric carries. */
export const LIMITS = {
  maxSessions: 'maxSessions',
  maxRunningSessions: 'maxRunningSessions',
  tenantRequestRate: 'tenantRequestRate',
  tenantWsActionRate: 'tenantWsActionRate',
  pairingCodesPerSession: 'pairingCodesPerSession',
  pairingCodesPerTenant: 'pairingCodesPerTenant',
  subscriptionsPerConnection: 'subscriptionsPerConnection',
  connectionsPerTenant: 'connectionsPerTenant',
  sendQueue: 'sendQueue',
  contactCheckNumbers: 'contactCheckNumbers',
} as const;

export type LimitName = (typeof LIMITS)[keyof typeof LIMITS];

export const LIMIT_METRICS_NAMESPACE = 'Zapfleet/LimitRefusals';
