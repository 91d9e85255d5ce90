/**
 * The dashboard Lambda's settings. Names of their own (not the auth
 * variables): the dashboard verifies nothing, it only tells the page which
 * claims to read and where the WebSocket is.
 */
export const DASHBOARD_ENV = {
  wsUrl: 'ZAPFLEET_DASHBOARD_WS_URL',
  tenantClaim: 'ZAPFLEET_DASHBOARD_TENANT_CLAIM',
  roleClaim: 'ZAPFLEET_DASHBOARD_ROLE_CLAIM',
} as const;

/** Where the deployed bundle keeps the built dashboard, next to index.mjs. */
export const DASHBOARD_ASSET_DIR = 'dashboard';
