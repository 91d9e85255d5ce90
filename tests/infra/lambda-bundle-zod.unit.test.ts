import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import * as zod from 'zod';
import { LAMBDA_BUNDLE_BUDGET_BYTES } from '../../infra/bundle/bundle-budget.ts';
import * as lean from '../../infra/bundle/zod-lean.ts';
import {
  cdkBundlingOptions,
  esbuildOptions,
  LAMBDA_ALIASES,
  LAMBDA_ENTRIES,
  type LambdaName,
} from '../../infra/constructs/lambda-bundle.ts';
import { REPO_ROOT } from '../../infra/constructs/repo-paths.ts';

const names = Object.keys(LAMBDA_ENTRIES) as LambdaName[];
const built: Partial<Record<LambdaName, { bytes: number; inputs: string[] }>> = {};

beforeAll(async () => {
  for (const name of names) {
    const outfile = join(REPO_ROOT, 'dist', 'unused', name, 'index.mjs');
    const result = await build({
      ...esbuildOptions(join(REPO_ROOT, LAMBDA_ENTRIES[name].entry), outfile),
      absWorkingDir: REPO_ROOT,
      write: false,
    });
    const output = Object.values((result.metafile as Metafile).outputs)[0];
    built[name] = { bytes: output?.bytes ?? 0, inputs: Object.keys(output?.inputs ?? {}) };
  }
}, 60_000);

describe('zod in the Lambda bundles', () => {
  it.each(names)('the %s bundle carries English as its only zod locale', (name) => {
    const locales = built[name]?.inputs.filter((path) => path.includes('node_modules/zod/v4/locales/'));
    expect(locales).toEqual(['node_modules/zod/v4/locales/en.js']);
  });

  it.each(['ws', 'webhooks'] as const)('the %s bundle is within the size budget', (name) => {
    expect(built[name]?.bytes).toBeLessThanOrEqual(LAMBDA_BUNDLE_BUDGET_BYTES);
  });

  it('is zod with the same members, only fewer locales', () => {
    expect(Object.keys(lean).sort()).toEqual(Object.keys(zod).sort());
    expect(Object.keys(lean.z).sort()).toEqual(Object.keys(zod.z).sort());
    expect(Object.keys(lean.z.core).sort()).toEqual(Object.keys(zod.z.core).sort());
    expect(Object.keys(lean.z.locales)).toEqual(['en']);
    expect(Object.keys(lean.z.core.locales)).toEqual(['en']);
    expect(lean.z.ZodType).toBe(zod.z.ZodType);
    expect(lean.z.core.$ZodType).toBe(zod.z.core.$ZodType);
  });

  it('reports errors in the same words as zod', () => {
    const schema = lean.z.object({ name: lean.z.string().min(3), count: lean.z.number().int() });
    const same = zod.z.object({ name: zod.z.string().min(3), count: zod.z.number().int() });
    const input = { name: 'ab', count: 1.5 };
    expect(schema.safeParse(input).error?.issues).toEqual(same.safeParse(input).error?.issues);
    expect(schema.safeParse(input).error?.issues.map((i) => i.message)).toEqual([
      'Too small: expected string to have >=3 characters',
      'Invalid input: expected int, received number',
    ]);
  });

  it('is aliased the same way by cdk synth and by npm run build', () => {
    const aliases = Object.entries(esbuildOptions('entry.ts', 'out.mjs').alias ?? {}).map(
      ([f, t]) => `${f}=${t}`,
    );
    expect(cdkBundlingOptions().esbuildArgs).toEqual({ '--alias': aliases });
    expect(aliases).toEqual([`zod=${LAMBDA_ALIASES.zod}`]);
  });
});
