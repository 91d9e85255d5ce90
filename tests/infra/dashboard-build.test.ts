/**
 * The real dashboard build: its initial load fits the budget, a smaller
 * budget makes the build step fail (so `npm run build` cannot pass over it),
 * and the page references only hashed files the build produced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDashboardAssets } from '../../functions/dashboard/serve/dashboard-assets.ts';
import { buildDashboard, writeDashboard } from '../../infra/bundle/build-dashboard.ts';
import { DASHBOARD_INITIAL_BUDGET_BYTES } from '../../infra/bundle/dashboard-budget.ts';

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
});
