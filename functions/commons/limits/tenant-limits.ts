/**
 * Quotas a tenant lives within. Defaults come from configuration; a MASTER may
 * override any of them per tenant (an override of `null` returns to the default).
 */
export interface TenantQuotas {
  /** Sessions that exist (any status). */
  readonly maxSessions: number;
  /** Sessions whose desired state is RUNNING. */
  readonly maxRunningSessions: number;
}

export type QuotaName = keyof TenantQuotas;

export type TenantQuotaOverrides = Partial<Record<QuotaName, number>>;

export const QUOTA_NAMES: readonly QuotaName[] = ['maxSessions', 'maxRunningSessions'];

export function effectiveQuotas(defaults: TenantQuotas, overrides: TenantQuotaOverrides): TenantQuotas {
  return {
    maxSessions: overrides.maxSessions ?? defaults.maxSessions,
    maxRunningSessions: overrides.maxRunningSessions ?? defaults.maxRunningSessions,
  };
}

/** Where per-tenant overrides live. */
export interface TenantQuotaStore {
  getOverrides(tenantId: string): Promise<TenantQuotaOverrides>;
  /** Replaces the tenant's overrides (absent keys return to the default). */
  putOverrides(tenantId: string, overrides: TenantQuotaOverrides, now: Date): Promise<void>;
}
