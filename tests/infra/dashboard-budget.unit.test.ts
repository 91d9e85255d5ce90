import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  checkDashboardBudget,
  DASHBOARD_INITIAL_BUDGET_BYTES,
  DashboardBudgetError,
  initialLoadOutputs,
} from '../../infra/bundle/dashboard-budget.ts';

const output = (
  imports: Metafile['outputs'][string]['imports'],
  extra: Partial<Metafile['outputs'][string]> = {},
) => ({ bytes: 1, inputs: {}, imports, exports: [], ...extra }) as Metafile['outputs'][string];

const METAFILE: Metafile = {
  inputs: {},
  outputs: {
    'out/main-A.js': output(
      [
        { path: 'out/chunk-shared.js', kind: 'import-statement' },
        { path: 'out/page-sessions.js', kind: 'dynamic-import' },
      ],
      { entryPoint: 'client/main.tsx', cssBundle: 'out/main-A.css' },
    ),
    'out/main-A.css': output([]),
    'out/chunk-shared.js': output([{ path: 'out/chunk-deep.js', kind: 'import-statement' }]),
    'out/chunk-deep.js': output([]),
    'out/page-sessions.js': output([{ path: 'out/chunk-page-only.js', kind: 'import-statement' }]),
    'out/chunk-page-only.js': output([]),
  },
};

describe('dashboard initial-load budget', () => {
  it('counts the entry, its CSS and its static imports, transitively, but no page chunk', () => {
    expect(initialLoadOutputs(METAFILE, 'out/main-A.js').sort()).toEqual(
      ['out/chunk-deep.js', 'out/chunk-shared.js', 'out/main-A.css', 'out/main-A.js'].sort(),
    );
  });

  it('is 150 KB gzipped', () => {
    expect(DASHBOARD_INITIAL_BUDGET_BYTES).toBe(150 * 1024);
  });

  it('passes a load at the budget and refuses one a byte over, naming the total and the largest files', () => {
    const half = DASHBOARD_INITIAL_BUDGET_BYTES / 2;
    const fits = checkDashboardBudget([
      { path: 'index.html', gzipBytes: half },
      { path: 'main.js', gzipBytes: half },
    ]);
    expect(fits).toEqual({ totalGzipBytes: DASHBOARD_INITIAL_BUDGET_BYTES });
    const over = checkDashboardBudget([
      { path: 'index.html', gzipBytes: 1 },
      { path: 'main-BIG.js', gzipBytes: DASHBOARD_INITIAL_BUDGET_BYTES },
    ]);
    expect(over.overBudget).toBeInstanceOf(DashboardBudgetError);
    expect(over.overBudget?.message).toBe(
      'dashboard initial load is 150.0 KB gzipped, over its budget of 150.0 KB by 0.0 KB; largest: main-BIG.js 150.0 KB, index.html 0.0 KB',
    );
  });
});
