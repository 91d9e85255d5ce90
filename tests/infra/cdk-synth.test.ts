import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/repo-paths.ts';

const STACKS = ['ZapfleetData', 'ZapfleetNetwork', 'ZapfleetApi', 'ZapfleetFleet', 'ZapfleetObservability'];

let outdir: string;
let trap: Server;
let trapConnections = 0;
let trapUrl: string;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'zapfleet-synth-'));
  // Every proxy variable points here: a CLI call to the network would show up as a connection.
  trap = createServer((socket) => {
    trapConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((done) => trap.listen(0, '127.0.0.1', done));
  const address = trap.address();
  if (!address || typeof address === 'string') throw new Error('no trap address');
  trapUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  rmSync(outdir, { recursive: true, force: true });
  await new Promise((done) => trap.close(done));
});

function synth(): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn('npx', ['cdk', 'synth', '--quiet', '--output', outdir], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        HTTP_PROXY: trapUrl,
        HTTPS_PROXY: trapUrl,
        http_proxy: trapUrl,
        https_proxy: trapUrl,
        NO_PROXY: '',
        no_proxy: '',
      },
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('close', (code) => done({ code, output }));
  });
}

describe('npx cdk synth (offline, Lambdas bundled by the local esbuild)', () => {
  it('succeeds without touching the network and writes every template and bundle', {
    timeout: 120_000,
  }, async () => {
    const { code, output } = await synth();
    expect(code, output).toBe(0);
    expect(trapConnections, 'network connections attempted through the proxy').toBe(0);

    for (const stack of STACKS) {
      const template = JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8'));
      expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
    }
    const bundles = readdirSync(outdir)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => join(outdir, d, 'index.mjs'))
      .filter((f) => existsSync(f));
    // api, ws, webhooks and the dashboard, whose built page sits next to its handler.
    expect(bundles).toHaveLength(4);
    for (const bundle of bundles) expect(statSync(bundle).size).toBeGreaterThan(0);
    const pages = bundles
      .map((b) => join(dirname(b), 'dashboard', 'index.html'))
      .filter((f) => existsSync(f));
    expect(pages).toHaveLength(1);
    expect(readFileSync(pages[0] as string, 'utf8')).toMatch(
      /<script type="module" src="\/dashboard\/assets\//,
    );

    // The built-in CloudFormation validation ran on the real synth and found nothing to fix.
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const violations = (report.pluginReports ?? []).flatMap(
      (r: { violations?: unknown[] }) => r.violations ?? [],
    );
    expect(violations).toEqual([]);
  });
});
