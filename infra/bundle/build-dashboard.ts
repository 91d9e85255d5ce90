/**
 * Builds the dashboard (functions/dashboard/client) with esbuild: minified,
 * content-hashed file names, one chunk per page. In memory for the local
 * stack (no dist/ needed, nothing shared between parallel stacks); into
 * dist/dashboard/ for `npm run build` and the deployed Lambda.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type DashboardAssets, INDEX_FILE } from '../../functions/dashboard/serve/dashboard-assets.ts';
import { REPO_ROOT } from '../constructs/repo-paths.ts';
import { checkDashboardBudget, type DashboardBudgetError, initialLoadOutputs } from './dashboard-budget.ts';

export const DASHBOARD_CLIENT_DIR = join(REPO_ROOT, 'functions', 'dashboard', 'client');
export const DASHBOARD_DIST_DIR = join(REPO_ROOT, 'dist', 'dashboard');
/** Where the page loads its files from; the serving app maps it onto the asset table. */
export const ASSET_URL_PREFIX = '/dashboard/assets/';

export interface DashboardBuild {
  readonly assets: DashboardAssets;
  readonly initialLoad: { readonly files: readonly string[]; readonly gzipBytes: number };
  readonly overBudget?: DashboardBudgetError;
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function assetTags(js: string, css: string | undefined, preloads: readonly string[]): string {
  return [
    ...(css ? [`<link rel="stylesheet" href="${attr(ASSET_URL_PREFIX + css)}" />`] : []),
    ...preloads.map((p) => `<link rel="modulepreload" href="${attr(ASSET_URL_PREFIX + p)}" />`),
    `<script type="module" src="${attr(ASSET_URL_PREFIX + js)}"></script>`,
  ].join('\n    ');
}

/** Builds the client in memory and measures its initial load against the budget. */
export async function buildDashboard(budgetBytes?: number): Promise<DashboardBuild> {
  const outdir = join(REPO_ROOT, '.dashboard-build');
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [join(DASHBOARD_CLIENT_DIR, 'main.tsx')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: false,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(DASHBOARD_CLIENT_DIR, 'tsconfig.json'),
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) files.set(relative(outdir, file.path), file.contents);
  const rel = (metaPath: string): string => relative(outdir, join(REPO_ROOT, metaPath));
  const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith('main.tsx'));
  if (!entry) throw new Error('the dashboard build has no entry output');
  const initial = initialLoadOutputs(result.metafile, entry[0]).map(rel);
  const js = rel(entry[0]);
  const css = entry[1].cssBundle ? rel(entry[1].cssBundle) : undefined;
  const preloads = initial.filter((p) => p !== js && p.endsWith('.js'));
  const template = readFileSync(join(DASHBOARD_CLIENT_DIR, 'index.html'), 'utf8');
  const index = template.replace('<!--zapfleet:assets-->', assetTags(js, css, preloads));
  const measured = [
    { path: INDEX_FILE, gzipBytes: gzipSync(index).length },
    ...initial.map((p) => ({ path: p, gzipBytes: gzipSync(files.get(p) ?? new Uint8Array()).length })),
  ];
  const budget = checkDashboardBudget(measured, budgetBytes);
  return {
    assets: { index, files },
    initialLoad: { files: measured.map((m) => m.path), gzipBytes: budget.totalGzipBytes },
    ...(budget.overBudget && { overBudget: budget.overBudget }),
  };
}

/** Writes a build to `dir` (`index.html` and `assets/…`), replacing what was there. */
export function writeDashboard(assets: DashboardAssets, dir: string = DASHBOARD_DIST_DIR): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, INDEX_FILE), assets.index);
  for (const [name, bytes] of assets.files) {
    const path = join(dir, 'assets', name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
}
