/**
 * What the server tells the page about its deployment, through a
 * `<meta name="zapfleet-config">` tag (no inline script under the CSP).
 */
export interface DashboardConfig {
  /** WebSocket gateway URL, e.g. `ws://127.0.0.1:3001/local`. */
  readonly wsUrl: string;
  /** JWT claim naming the tenant. */
  readonly tenantClaim: string;
  /** JWT claim naming the role. */
  readonly roleClaim: string;
  /** True where a one-time sign-in code can be exchanged (the local stack only). */
  readonly signInCodes: boolean;
  /** Set where the media bucket admits uploads from the page (CORS and CSP); unset, media cannot be sent from here. */
  readonly mediaUploadOrigin?: string;
}

const DEFAULTS: DashboardConfig = {
  wsUrl: '',
  tenantClaim: 'tenant',
  roleClaim: 'role',
  signInCodes: false,
};

let cached: DashboardConfig | undefined;

export function dashboardConfig(): DashboardConfig {
  if (cached) return cached;
  const raw = document.querySelector('meta[name="zapfleet-config"]')?.getAttribute('content');
  try {
    cached = { ...DEFAULTS, ...(raw ? (JSON.parse(raw) as Partial<DashboardConfig>) : {}) };
  } catch {
    cached = DEFAULTS;
  }
  return cached;
}
