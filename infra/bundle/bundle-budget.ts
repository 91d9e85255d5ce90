/**
 * The size budget of each Lambda bundle (DESIGN: control plane bundles
 * ≤ 500 KB). A bigger bundle is slower to fetch and parse at every cold start,
 * so `npm run build` refuses one, naming what fills it.
 */
import type { Contributor } from './bundle-contributors.ts';

/** Per Lambda bundle, in bytes (KB as the build prints it: 1,024 bytes). */
export const LAMBDA_BUNDLE_BUDGET_BYTES = 500 * 1024;

/**
 * Bundles known to be over the budget, each with a ceiling just above its size
 * today, so it cannot grow unnoticed while the work to bring it under is open
 * (a failing `npm run build` on main would help nobody). Remove an entry once
 * its bundle fits.
 */
export const OVER_BUDGET_CEILINGS: Readonly<
  Record<string, { readonly bytes: number; readonly why: string }>
> = {
  api: {
    bytes: 620 * 1024,
    why: 'zod (179 KB behind `import { z }`), media type detection (~60 KB) and the QR PNG (~56 KB) are needed at run time',
  },
};

/** The most a bundle may weigh: the budget, or its recorded ceiling while it is over. */
export function budgetOf(name: string): number {
  return OVER_BUDGET_CEILINGS[name]?.bytes ?? LAMBDA_BUNDLE_BUDGET_BYTES;
}

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
