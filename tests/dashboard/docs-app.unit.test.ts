import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import {
  docsApp,
  readDocsAssets,
  SWAGGER_FILES,
  withDocs,
} from '../../functions/dashboard/serve/docs-app.ts';
import { writeDocs } from '../../infra/bundle/write-docs-cli.ts';

// What CDK's bundling step writes next to the dashboard Lambda, read back as the Lambda reads it.
const dir = mkdtempSync(join(tmpdir(), 'zapfleet-docs-'));
writeDocs(dir);
const app = withDocs(
  new Hono().get('/dashboard', (c) => c.text('dashboard')),
  docsApp(readDocsAssets(dir, dir), 'wss://ws.example.com/live'),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the /docs app as deployed', () => {
  it('serves the page with no inline script, under the dashboard’s CSP', async () => {
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("connect-src 'self' wss://ws.example.com");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(
      [...html.matchAll(/<script([^>]*)>/g)].every(([, attrs]) =>
        /\ssrc="\/docs\/assets\//.test(attrs ?? ''),
      ),
    ).toBe(true);
  });

  it.each([...SWAGGER_FILES, 'docs-init.js', 'docs.css'])('serves %s from the copied files', async (name) => {
    const res = await app.request(`/docs/assets/${name}`);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('answers anything else under /docs with 404, and leaves other paths to the dashboard', async () => {
    expect((await app.request('/docs/assets/package.json')).status).toBe(404);
    expect((await app.request('/docs/elsewhere')).status).toBe(404);
    expect(await (await app.request('/dashboard')).text()).toBe('dashboard');
  });
});
