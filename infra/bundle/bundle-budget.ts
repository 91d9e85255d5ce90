/**
 * The size budget of each Lambda bundle (DESIGN: control plane bundles
 * ≤ 500 KB). A bigger bundle is slower to fetch and parse at every cold start,
 * so `npm run build` refuses one, naming what fills it.
 */
import type { Contributor } from './bundle-contributors.ts';

/** Per Lambda bundle, in bytes (KB as the build prints it: 1,024 bytes). */
export const LAMBDA_BUNDLE_BUDGET_BYTES = 500 * 1024;

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export interface BuiltBundle {
  readonly name: string;
  readonly bytes: number;
  readonly contributors: readonly Contributor[];
}

export class BundleBudgetError extends Error {
  override readonly name = 'BundleBudgetError';

  constructor(
    readonly bundle: BuiltBundle,
    readonly budgetBytes: number,
  ) {
    const top = bundle.contributors.map((c) => `${c.name} ${kb(c.bytes)}`).join(', ');
    super(
      `${bundle.name} bundle is ${kb(bundle.bytes)}, over its budget of ${kb(budgetBytes)} by ${kb(bundle.bytes - budgetBytes)}; top contributors: ${top || 'none recorded'}`,
    );
  }
}

/** The error for a bundle over `budgetBytes`, or undefined when it fits. */
export function checkBundleBudget(
  bundle: BuiltBundle,
  budgetBytes: number = LAMBDA_BUNDLE_BUDGET_BYTES,
): BundleBudgetError | undefined {
  return bundle.bytes > budgetBytes ? new BundleBudgetError(bundle, budgetBytes) : undefined;
}
