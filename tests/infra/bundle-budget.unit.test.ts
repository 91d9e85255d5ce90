import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../infra/bundle/build-bundle.ts';
import {
  BundleBudgetError,
  budgetOf,
  checkBundleBudget,
  LAMBDA_BUNDLE_BUDGET_BYTES,
  OVER_BUDGET_CEILINGS,
} from '../../infra/bundle/bundle-budget.ts';
import { contributorOf } from '../../infra/bundle/bundle-contributors.ts';
import { esbuildOptions } from '../../infra/constructs/lambda-bundle.ts';

const dir = mkdtempSync(join(tmpdir(), 'zf-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An entry whose bundle is about `kb` KB: one module of incompressible-looking text plus a handler. */
function entryOf(kb: number): string {
  const blob = join(dir, `blob-${kb}.mjs`);
  let text = '';
  for (let i = 0; text.length < kb * 1024; i++) text += `${(i * 2654435761) % 4294967296}`.padStart(10, '0');
  writeFileSync(blob, `export const blob = ${JSON.stringify(text)};\n`);
  const entry = join(dir, `entry-${kb}.mjs`);
  writeFileSync(
    entry,
    `import { blob } from './blob-${kb}.mjs';\nexport const handler = () => blob.length;\n`,
  );
  return entry;
}

describe('the Lambda bundle budget', () => {
  it('is 500 KB', () => {
    expect(LAMBDA_BUNDLE_BUDGET_BYTES).toBe(500 * 1024);
  });

  it.each([
    ['one byte over', LAMBDA_BUNDLE_BUDGET_BYTES + 1, true],
    ['exactly at', LAMBDA_BUNDLE_BUDGET_BYTES, false],
    ['under', 1024, false],
  ])('%s the budget: refused %s', (_label, bytes, refused) => {
    const error = checkBundleBudget({ name: 'api', bytes, contributors: [] });
    expect(error instanceof BundleBudgetError).toBe(refused);
  });

  it('names the bundle, its size, the budget, the excess and the top contributors', () => {
    const error = checkBundleBudget({
      name: 'api',
      bytes: 600 * 1024,
      contributors: [
        { name: 'zod', bytes: 300 * 1024 },
        { name: 'functions/api', bytes: 50 * 1024 },
      ],
    });
    expect(error?.message).toBe(
      'api bundle is 600.0 KB, over its budget of 500.0 KB by 100.0 KB; top contributors: zod 300.0 KB, functions/api 50.0 KB',
    );
  });

  it.each([
    ['node_modules/zod/v4/locales/en.js', 'zod'],
    ['node_modules/@smithy/core/dist-es/index.js', '@smithy/core'],
    ['node_modules/@hono/zod-openapi/node_modules/hono/dist/index.js', 'hono'],
    ['functions/commons/logging/logger.ts', 'functions/commons'],
    ['infra/bundle/zod-lean.ts', 'infra/bundle'],
  ])('counts %s under %s', (path, name) => {
    expect(contributorOf(path)).toBe(name);
  });
});

describe('bundles over the budget while their work is open', () => {
  it('get a ceiling that only they may use, close above the budget', () => {
    expect(budgetOf('ws')).toBe(LAMBDA_BUNDLE_BUDGET_BYTES);
    expect(budgetOf('webhooks')).toBe(LAMBDA_BUNDLE_BUDGET_BYTES);
    for (const [name, ceiling] of Object.entries(OVER_BUDGET_CEILINGS)) {
      expect(budgetOf(name)).toBe(ceiling.bytes);
      expect(ceiling.bytes).toBeGreaterThan(LAMBDA_BUNDLE_BUDGET_BYTES);
      // A ceiling is a ratchet, not a second budget: at most a quarter above.
      expect(ceiling.bytes).toBeLessThanOrEqual(LAMBDA_BUNDLE_BUDGET_BYTES * 1.25);
      expect(ceiling.why.length).toBeGreaterThan(20);
    }
  });
});

describe('a Lambda build (what npm run build runs per Lambda)', () => {
  it('fails an oversized bundle, naming it and what fills it', async () => {
    const entry = entryOf(520);
    const outfile = join(dir, 'big', 'index.mjs');
    const result = await buildBundle(
      'big',
      outfile,
      { ...esbuildOptions(entry, outfile), absWorkingDir: dir },
      LAMBDA_BUNDLE_BUDGET_BYTES,
    );
    expect(result.bytes).toBeGreaterThan(LAMBDA_BUNDLE_BUDGET_BYTES);
    expect(result.overBudget).toBeInstanceOf(BundleBudgetError);
    expect(result.overBudget?.message).toMatch(/^big bundle is 5\d\d\.\d KB, over its budget of 500\.0 KB/);
    expect(result.overBudget?.message).toContain('blob-520.mjs');
    expect(result.contributors[0]?.name).toBe('blob-520.mjs');
  });

  it('passes a bundle within the budget', async () => {
    const entry = entryOf(100);
    const outfile = join(dir, 'small', 'index.mjs');
    const result = await buildBundle(
      'small',
      outfile,
      { ...esbuildOptions(entry, outfile), absWorkingDir: dir },
      LAMBDA_BUNDLE_BUDGET_BYTES,
    );
    expect(result.bytes).toBeLessThan(LAMBDA_BUNDLE_BUDGET_BYTES);
    expect(result.overBudget).toBeUndefined();
  });
});
