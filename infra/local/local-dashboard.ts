/**
 * The dashboard on the local API server: built in memory at start (a fresh
 * clone has no dist/, and parallel stacks share nothing), served by the same
 * app the cloud runs, plus the one-time sign-in codes of `npm run demo`'s link.
 */
import type { Hono } from 'hono';
import { loadAuthConfig } from '#commons/auth/auth-config.ts';
import { ENV } from '#commons/config/env-names.ts';
import { dashboardApp, isDashboardPath } from '../../functions/dashboard/serve/dashboard-app.ts';
import { docsApp, isDocsPath, readDocsAssets, withDocs } from '../../functions/dashboard/serve/docs-app.ts';
import { createOneTimeCodes, type OneTimeCodes } from '../../functions/dashboard/serve/one-time-codes.ts';
import { buildDashboard } from '../bundle/build-dashboard.ts';

export interface LocalDashboard {
  readonly app: Hono;
  readonly signInCodes: OneTimeCodes;
}

export async function createLocalDashboard(
  env: NodeJS.ProcessEnv,
  wsUrl: string,
  log: (msg: string) => void,
): Promise<LocalDashboard> {
  const built = await buildDashboard();
  if (built.overBudget) log(`dashboard: ${built.overBudget.message} (npm run build fails on this)`);
  const auth = loadAuthConfig(env);
  const s3 = env[ENV.endpointS3] ?? env[ENV.endpointUrl];
  const signInCodes = createOneTimeCodes();
  const dashboard = dashboardApp({
    assets: built.assets,
    config: {
      wsUrl,
      tenantClaim: auth.tenantClaim,
      roleClaim: auth.roleClaim,
      // The local media bucket allows the page's uploads (CORS set at bootstrap).
      ...(s3 && { mediaUploadOrigin: new URL(s3).origin }),
    },
    signInCodes,
  });
  // /docs (Swagger UI) is an app of its own (its files, its 404s), served beside the dashboard as in the cloud.
  const app = withDocs(dashboard, docsApp(readDocsAssets(), wsUrl));
  return { app, signInCodes };
}

type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/** One fetch for the local server: /dashboard/* to the dashboard, the rest to the API. */
export function routeDashboard(dashboard: Hono, api: Fetch): Fetch {
  return (request, env) =>
    isDashboardPath(new URL(request.url).pathname) || isDocsPath(new URL(request.url).pathname)
      ? dashboard.fetch(request, env)
      : api(request, env);
}

/** The link that signs in once: the code rides in the fragment, which no server or Referer sees. */
export function signInLink(apiUrl: string, code: string): string {
  return `${apiUrl}/dashboard#/signin?code=${encodeURIComponent(code)}`;
}
