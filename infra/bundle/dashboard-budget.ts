/**
 * The dashboard's initial-load budget: what /dashboard fetches before any
 * route's own chunk (the HTML, the entry script with every chunk it imports
 * statically, and its CSS), gzipped, at most 150 KB. `npm run build` refuses
 * a dashboard over it.
 */
import type { Metafile } from 'esbuild';
import { kb } from './bundle-budget.ts';

export const DASHBOARD_INITIAL_BUDGET_BYTES = 150 * 1024;

export interface MeasuredFile {
  /** Output path as the metafile names it, or `index.html`. */
  readonly path: string;
  readonly gzipBytes: number;
}

export class DashboardBudgetError extends Error {
  override readonly name = 'DashboardBudgetError';

  constructor(
    readonly totalGzipBytes: number,
    readonly budgetBytes: number,
    readonly files: readonly MeasuredFile[],
  ) {
    const largest = [...files]
      .sort((a, b) => b.gzipBytes - a.gzipBytes)
      .slice(0, 5)
      .map((f) => `${f.path} ${kb(f.gzipBytes)}`)
      .join(', ');
    super(
      `dashboard initial load is ${kb(totalGzipBytes)} gzipped, over its budget of ${kb(budgetBytes)} by ${kb(totalGzipBytes - budgetBytes)}; largest: ${largest}`,
    );
  }
}

/**
 * The outputs a browser fetches to run `entryOutput`: itself, every chunk it
 * imports statically (transitively) and their CSS. Dynamic imports (pages)
 * are left out: they load on navigation.
 */
export function initialLoadOutputs(metafile: Metafile, entryOutput: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    const output = metafile.outputs[path];
    if (!output) throw new Error(`no output ${path} in the dashboard build`);
    seen.add(path);
    if (output.cssBundle) seen.add(output.cssBundle);
    for (const imported of output.imports) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entryOutput);
  return [...seen];
}

/** The total of `files`, and the error when it is over `budgetBytes`. */
export function checkDashboardBudget(
  files: readonly MeasuredFile[],
  budgetBytes: number = DASHBOARD_INITIAL_BUDGET_BYTES,
): { readonly totalGzipBytes: number; readonly overBudget?: DashboardBudgetError } {
  const totalGzipBytes = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  return totalGzipBytes > budgetBytes
    ? { totalGzipBytes, overBudget: new DashboardBudgetError(totalGzipBytes, budgetBytes, files) }
    : { totalGzipBytes };
}
