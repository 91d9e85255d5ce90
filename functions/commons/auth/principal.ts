/** Who is calling: the tenant a token names and what it may do there. */
export const ROLES = ['MASTER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  readonly tenantId: string;
  readonly role: Role;
  readonly subject?: string | undefined;
}

/** MASTER reaches every tenant; ADMIN only its own. */
export function canAccessTenant(principal: Principal, tenantId: string): boolean {
  return principal.role === 'MASTER' || principal.tenantId === tenantId;
}
