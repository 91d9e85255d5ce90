/** `npm run build`'s dashboard step: build into dist/dashboard, print the initial load, fail over budget. */
import { relative } from 'node:path';
import { REPO_ROOT } from '../constructs/repo-paths.ts';
import { buildDashboard, DASHBOARD_DIST_DIR, writeDashboard } from './build-dashboard.ts';
import { kb } from './bundle-budget.ts';
import { DASHBOARD_INITIAL_BUDGET_BYTES } from './dashboard-budget.ts';

export async function buildDashboardToDist(budgetBytes = DASHBOARD_INITIAL_BUDGET_BYTES): Promise<boolean> {
  const name = 'dashboard'.padEnd(8);
  try {
    const built = await buildDashboard(budgetBytes);
    writeDashboard(built.assets);
    const total = [...built.assets.files.values()].reduce((sum, f) => sum + f.length, 0);
    console.log(
      `${name} ${kb(total).padStart(10)}  (initial load ${kb(built.initialLoad.gzipBytes)} gzipped of ${kb(budgetBytes)}: ${built.initialLoad.files.length} files)  functions/dashboard/client -> ${relative(REPO_ROOT, DASHBOARD_DIST_DIR)}`,
    );
    if (built.overBudget) console.error(`${name} OVER BUDGET  ${built.overBudget.message}`);
    return !built.overBudget;
  } catch (err) {
    console.error(
      `${name} FAILED  functions/dashboard/client\n${err instanceof Error ? err.message : String(err)}`,
    );
    return false;
  }
}
