/**
 * The dashboard in the cloud: a small Lambda of its own behind the HTTP API's
 * `/dashboard` routes (same origin as the API, so the page calls `/v1/...`
 * with no CORS), serving the files `npm run build` / CDK bundling put next to
 * it with the same app and headers as the local stack. Kept out of the API
 * Lambda, whose bundle has a size budget.
 */
import { join } from 'node:path';
import { handle } from 'hono/aws-lambda';
import { dashboardApp } from './serve/dashboard-app.ts';
import { readDashboardAssets } from './serve/dashboard-assets.ts';
import { DASHBOARD_ASSET_DIR, DASHBOARD_ENV } from './serve/dashboard-env.ts';
import { DOCS_ASSET_DIR, docsApp, readDocsAssets, withDocs } from './serve/docs-app.ts';

const dashboard = dashboardApp({
  assets: readDashboardAssets(join(import.meta.dirname, DASHBOARD_ASSET_DIR)),
  config: {
    wsUrl: process.env[DASHBOARD_ENV.wsUrl] ?? '',
    tenantClaim: process.env[DASHBOARD_ENV.tenantClaim] || 'tenant',
    roleClaim: process.env[DASHBOARD_ENV.roleClaim] || 'role',
    ...(process.env[DASHBOARD_ENV.mediaUploadOrigin] && {
      mediaUploadOrigin: process.env[DASHBOARD_ENV.mediaUploadOrigin],
    }),
  },
});

// The API reference at /docs rides on this Lambda too (its files copied next to index.mjs at bundling).
const docsDir = join(import.meta.dirname, DOCS_ASSET_DIR);
const app = withDocs(
  dashboard,
  docsApp(readDocsAssets(docsDir, docsDir), process.env[DASHBOARD_ENV.wsUrl] ?? ''),
);

export const handler = handle(app);
