import type { Principal } from '#commons/auth/principal.ts';
import { ForbiddenError } from '#commons/errors/app-errors.ts';
import type { Rate, RateLimiter, WindowCounter } from '#commons/limits/rate.ts';
import {
  effectiveQuotas,
  type TenantQuotaOverrides,
  type TenantQuotaStore,
  type TenantQuotas,
} from '#commons/limits/tenant-limits.ts';

/** Pairing codes allowed per session and per tenant in each fixed window. */
export interface PairingLimits {
  readonly perSession: number;
  readonly perTenant: number;
  readonly windowSeconds: number;
}

/** The limits the API enforces, with their stores; absent in harnesses that test other things. */
export interface LimitDependencies {
  readonly quotas: TenantQuotas;
  readonly overrides: TenantQuotaStore;
  readonly rates: RateLimiter & WindowCounter;
  readonly requestRate: Rate;
  readonly pairing: PairingLimits;
}

export interface TenantLimitsView {
  readonly tenantId: string;
  readonly defaults: TenantQuotas;
  readonly overrides: TenantQuotaOverrides;
  readonly effective: TenantQuotas;
}

/** The quotas in force for a tenant (defaults with its overrides). */
export async function quotasOf(limits: LimitDependencies, tenantId: string): Promise<TenantQuotas> {
  return effectiveQuotas(limits.quotas, await limits.overrides.getOverrides(tenantId));
}

function requireMaster(principal: Principal): void {
  if (principal.role !== 'MASTER')
    throw new ForbiddenError('only a MASTER token may read or set tenant limits');
}

export async function getTenantLimits(
  limits: LimitDependencies,
  principal: Principal,
  tenantId: string,
): Promise<TenantLimitsView> {
  requireMaster(principal);
  const overrides = await limits.overrides.getOverrides(tenantId);
  return {
    tenantId,
    defaults: limits.quotas,
    overrides,
    effective: effectiveQuotas(limits.quotas, overrides),
  };
}

/** Replaces the tenant's overrides; `null` (or leaving a quota out) returns it to the default. */
export async function setTenantLimits(
  limits: LimitDependencies,
  principal: Principal,
  tenantId: string,
  input: { readonly [K in keyof TenantQuotas]?: number | null | undefined },
  now: Date,
): Promise<TenantLimitsView> {
  requireMaster(principal);
  const overrides: Partial<Record<keyof TenantQuotas, number>> = {};
  for (const [name, value] of Object.entries(input) as [keyof TenantQuotas, number | null | undefined][])
    if (typeof value === 'number') overrides[name] = value;
  await limits.overrides.putOverrides(tenantId, overrides, now);
  return {
    tenantId,
    defaults: limits.quotas,
    overrides,
    effective: effectiveQuotas(limits.quotas, overrides),
  };
}
