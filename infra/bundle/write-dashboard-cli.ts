/**
 * `tsx infra/bundle/write-dashboard-cli.ts <dir>`: builds the dashboard into
 * <dir>, failing over its budget. CDK runs it after bundling the dashboard
 * Lambda, so the files deployed are built from the same commit.
 */
import { buildDashboard, writeDashboard } from './build-dashboard.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: tsx infra/bundle/write-dashboard-cli.ts <output dir>');
  process.exit(2);
}
const built = await buildDashboard();
if (built.overBudget) {
  console.error(built.overBudget.message);
  process.exit(1);
}
writeDashboard(built.assets, dir);
