/**
 * The real dashboard build: its initial load fits the budget, a smaller
 * budget makes the build step fail (so `npm run build` cannot pass over it),
 * and the page references only hashed files the build produced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { readDashboardAssets } from '../../functions/dashboard/serve/dashboard-assets.ts';
import { DOCS_ASSET_DIR } from '../../functions/dashboard/serve/docs-app.ts';
import { buildDashboard, writeDashboard } from '../../infra/bundle/build-dashboard.ts';
import { DASHBOARD_INITIAL_BUDGET_BYTES } from '../../infra/bundle/dashboard-budget.ts';
import { writeDocs } from '../../infra/bundle/write-docs-cli.ts';
import { DASHBOARD_ENTRY } from '../../infra/constructs/dashboard-site.ts';
import { esbuildOptions } from '../../infra/constructs/lambda-bundle.ts';
import { REPO_ROOT } from '../../infra/constructs/repo-paths.ts';

describe('dashboard build', { timeout: 60_000 }, () => {
  it('fits its initial load in the budget and fails a budget it does not fit', async () => {
    const built = await buildDashboard();
    expect(built.overBudget).toBeUndefined();
    expect(built.initialLoad.gzipBytes).toBeGreaterThan(0);
    expect(built.initialLoad.gzipBytes).toBeLessThanOrEqual(DASHBOARD_INITIAL_BUDGET_BYTES);
    const tight = await buildDashboard(built.initialLoad.gzipBytes - 1);
    expect(tight.overBudget?.message).toMatch(/^dashboard initial load is .* gzipped, over its budget/);
  });

  it('links only hashed files it built, loads pages as separate chunks, and round-trips through a folder', async () => {
    const built = await buildDashboard();
    const referenced = [...built.assets.index.matchAll(/\/dashboard\/assets\/([^"]+)"/g)].map((m) => m[1]);
    expect(referenced.length).toBeGreaterThan(1);
    for (const name of referenced) {
      expect(name).toMatch(/-[A-Z0-9]{8}\.(js|css)$/);
      expect(built.assets.files.has(name ?? '')).toBe(true);
    }
    // Pages load on navigation: more files exist than the initial load fetches.
    expect(built.assets.files.size).toBeGreaterThan(built.initialLoad.files.length - 1);
    const dir = mkdtempSync(join(tmpdir(), 'zapfleet-dash-build-'));
    try {
      writeDashboard(built.assets, dir);
      const read = readDashboardAssets(dir);
      expect(read.index).toBe(built.assets.index);
      expect([...read.files.keys()].sort()).toEqual([...built.assets.files.keys()].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves the page from the deployed Lambda bundle with its files next to it, headers included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zapfleet-dash-lambda-'));
    try {
      const outfile = join(dir, 'index.mjs');
      await build({ ...esbuildOptions(join(REPO_ROOT, DASHBOARD_ENTRY), outfile), absWorkingDir: REPO_ROOT });
      const built = await buildDashboard();
      writeDashboard(built.assets, join(dir, 'dashboard'));
      writeDocs(join(dir, DOCS_ASSET_DIR));
      process.env.ZAPFLEET_DASHBOARD_WS_URL = 'wss://abc.execute-api.eu-west-1.amazonaws.com/live';
      const { handler } = (await import(pathToFileURL(outfile).href)) as {
        handler: (
          event: unknown,
          context: unknown,
        ) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
      };
      const event = (path: string) => ({
        version: '2.0',
        routeKey: 'GET /dashboard',
        rawPath: path,
        rawQueryString: '',
        headers: { host: 'abc.execute-api.eu-west-1.amazonaws.com' },
        requestContext: {
          http: { method: 'GET', path, sourceIp: '1.2.3.4' },
          domainName: 'abc',
          stage: '$default',
        },
        isBase64Encoded: false,
      });
      const page = await handler(event('/dashboard'), {});
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toContain(
        "connect-src 'self' wss://abc.execute-api.eu-west-1.amazonaws.com",
      );
      expect(page.body).toContain('zapfleet-config');
      const script = /src="\/dashboard\/assets\/([^"]+\.js)"/.exec(page.body)?.[1];
      const js = await handler(event(`/dashboard/assets/${script}`), {});
      expect(js.statusCode).toBe(200);
      expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
      // The API reference rides on the same Lambda (CDK copies its files next to it too).
      const docs = await handler(event('/docs'), {});
      expect(docs.statusCode).toBe(200);
      expect(docs.body).toContain('/docs/assets/swagger-ui-bundle.js');
    } finally {
      delete process.env.ZAPFLEET_DASHBOARD_WS_URL;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
