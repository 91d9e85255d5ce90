/**
 * The dashboard Lambda's settings. Names of their own (not the auth
 * variables): the dashboard verifies nothing, it only tells the page which
 * claims to read and where the WebSocket is.
 */
export const DASHBOARD_ENV = {
  wsUrl: 'ZAPFLEET_DASHBOARD_WS_URL',
  tenantClaim: 'ZAPFLEET_DASHBOARD_TENANT_CLAIM',
  roleClaim: 'ZAPFLEET_DASHBOARD_ROLE_CLAIM',
  /** The media bucket's origin: the page PUTs picked files there (the CSP's connect-src names it). */
  mediaUploadOrigin: 'ZAPFLEET_DASHBOARD_MEDIA_UPLOAD_ORIGIN',
} as const;

/** Where the deployed bundle keeps the built dashboard, next to index.mjs. */
export const DASHBOARD_ASSET_DIR = 'dashboard';
