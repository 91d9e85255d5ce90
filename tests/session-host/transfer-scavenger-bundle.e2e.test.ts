/**
 * The young-generation collection during media transfers relies on exposing
 * V8's gc at run time. That works under tsx; this checks it in what ships:
 * the code bundled with the host image's esbuild options, run by plain node.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/repo-paths.ts';
import { hostBundleOptions } from '../../session-host/bundle/host-bundle.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'zapfleet-scavenger-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the transfer scavenger in the host bundle', () => {
  it('collects while a transfer runs when run by plain node, as the image runs the host', async () => {
    const outfile = join(dir, 'driver.mjs');
    await build({
      ...hostBundleOptions(REPO_ROOT, outfile),
      entryPoints: [fileURLToPath(new URL('./scavenger-bundle-driver.ts', import.meta.url))],
      metafile: false,
    });
    const { stdout } = await run(process.execPath, [outfile], { cwd: REPO_ROOT, timeout: 30_000 });
    const { collections } = JSON.parse(stdout.trim()) as { collections: number };
    expect(collections).toBeGreaterThan(0);
  });
});
