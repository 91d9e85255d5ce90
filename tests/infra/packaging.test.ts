import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cdkBundlingOptions,
  ESM_REQUIRE_BANNER,
  esbuildOptions,
  LAMBDA_ENTRIES,
} from '../../infra/constructs/lambda-bundle.ts';
import { REPO_ROOT } from '../../infra/constructs/repo-paths.ts';
import { HOST_IMAGE_EXCLUDES } from '../../infra/constructs/session-host-service.ts';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

describe('Lambda bundling options', () => {
  it('are the same for cdk synth and npm run build', () => {
    const cdk = cdkBundlingOptions();
    const build = esbuildOptions('entry.ts', 'out.mjs');
    expect(cdk.format).toBe(build.format);
    expect(cdk.target).toBe(build.target);
    expect(cdk.minify).toBe(build.minify);
    expect(cdk.sourceMap).toBe(build.sourcemap);
    expect(cdk.externalModules).toEqual(build.external);
    expect(cdk.mainFields).toEqual(build.mainFields);
    expect(cdk.banner).toBe((build.banner as { js: string }).js);
  });

  it('build ESM for node22, keep the runtime-provided AWS SDK out, and never fall back to Docker', () => {
    const cdk = cdkBundlingOptions();
    expect(cdk.format).toBe('esm');
    expect(cdk.target).toBe('node22');
    expect(cdk.externalModules).toEqual(['@aws-sdk/*']);
    expect(cdk.banner).toBe(ESM_REQUIRE_BANNER);
    expect(cdk.forceDockerBundling).toBe(false);
  });

  it('point at entry files that exist and export the handler', () => {
    for (const entry of Object.values(LAMBDA_ENTRIES)) {
      expect(read(entry.entry)).toMatch(
        new RegExp(`export (const|async function|function) ${entry.handler}\\b`),
      );
    }
  });
});

describe('session-host image', () => {
  const dockerfile = read('session-host/Dockerfile');

  it('builds in one stage and runs on node:22-slim as a non-root user', () => {
    const froms = dockerfile.match(/^FROM .*$/gm) ?? [];
    expect(froms).toHaveLength(2);
    expect(froms[0]).toMatch(/^FROM node:22-slim AS build$/);
    expect(froms[1]).toBe('FROM node:22-slim');
    const final = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(final).toMatch(/^ENV NODE_ENV=production$/m);
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/npm ci --omit=dev/);
  });

  it('bundles session-host/src/main.ts to dist/session-host.mjs as ESM for node22 and runs it', () => {
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/esbuild session-host\/src\/main\.ts[\s\S]*--format=esm/);
    expect(dockerfile).toMatch(/--target=node22/);
    expect(dockerfile).toMatch(/--outfile=dist\/session-host\.mjs/);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/session-host\.mjs"\]$/m);
  });

  it('exposes 8080 and checks /healthz with node fetch', () => {
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*fetch\('http:\/\/127\.0\.0\.1:8080\/healthz'\)/m);
  });

  it('.dockerignore covers every exclude the CDK asset uses', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored.sort()).toEqual([...HOST_IMAGE_EXCLUDES].sort());
  });

  it('copies what the host imports: package manifests, functions/ (for #commons) and session-host/', () => {
    expect(dockerfile).toMatch(/^COPY package\.json package-lock\.json \.\/$/m);
    expect(dockerfile).toMatch(/^COPY functions\/ functions\/$/m);
    expect(dockerfile).toMatch(/^COPY session-host\/ session-host\/$/m);
    expect(existsSync(join(REPO_ROOT, 'functions', 'commons'))).toBe(true);
  });
});
