import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cdkBundlingOptions,
  ESM_REQUIRE_BANNER,
  esbuildOptions,
  LAMBDA_ENTRIES,
  NODE_TARGET,
} from '../../infra/constructs/lambda-bundle.ts';
import { REPO_ROOT } from '../../infra/constructs/repo-paths.ts';
import { HOST_IMAGE_EXCLUDES } from '../../infra/constructs/session-host-service.ts';
import {
  HOST_ENTRY,
  HOST_EXTERNALS,
  HOST_NODE_TARGET,
  HOST_OUTFILE,
  HOST_REQUIRE_BANNER,
  hostBundleOptions,
} from '../../session-host/bundle/host-bundle.ts';
import { parseDockerfile } from '../support/host-image.ts';

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

  it('bundles the host with the shared definition only: npm run build:host, no esbuild line of its own', () => {
    const [build] = parseDockerfile(dockerfile);
    const runs = (build?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs).toEqual([expect.stringMatching(/^npm ci\b/), 'npm run build:host']);
    const instructions = parseDockerfile(dockerfile).flatMap((stage) => stage.instructions);
    expect(instructions.filter((i) => /esbuild/.test(i.args))).toEqual([]);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['build:host']).toBe('tsx session-host/bundle/build-host.ts');
  });

  it('bundles session-host/src/main.ts to dist/session-host.mjs as ESM for node22 and runs it', () => {
    const options = hostBundleOptions('/app');
    expect(options.entryPoints).toEqual([HOST_ENTRY]);
    expect(HOST_ENTRY).toBe('session-host/src/main.ts');
    expect(options.outfile).toBe(HOST_OUTFILE);
    expect(options.format).toBe('esm');
    expect(options.bundle).toBe(true);
    expect(options.platform).toBe('node');
    expect(options.target).toBe(HOST_NODE_TARGET);
    expect(dockerfile).toMatch(new RegExp(`^CMD \\["node", "${HOST_OUTFILE.replace('.', '\\.')}"\\]$`, 'm'));
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist\/ dist\/$/m);
  });

  it('targets the Node major of its base image and of the Lambdas, with the same require banner', () => {
    expect(HOST_NODE_TARGET).toBe(NODE_TARGET);
    const major = HOST_NODE_TARGET.replace('node', '');
    for (const from of dockerfile.match(/^FROM .*$/gm) ?? [])
      expect(from).toMatch(new RegExp(`^FROM node:${major}-`));
    expect(HOST_REQUIRE_BANNER).toBe(ESM_REQUIRE_BANNER);
    expect(hostBundleOptions('/app').banner).toEqual({ js: HOST_REQUIRE_BANNER });
  });

  it('leaves external only packages that are optional or that the final stage installs (npm ci --omit=dev)', () => {
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }>;
    };
    for (const name of HOST_EXTERNALS) {
      const entry = lock.packages[`node_modules/${name}`];
      // Absent or optional: loaded on demand inside a try (Baileys' media helpers, ws' native add-ons).
      if (!entry || entry.optional || entry.devOptional) continue;
      expect({ name, dev: entry.dev ?? false }).toEqual({ name, dev: false });
    }
  });

  it('builds from what the Docker context holds: the host bundle definition imports nothing from infra/', () => {
    expect(HOST_IMAGE_EXCLUDES).toContain('infra');
    for (const file of ['session-host/bundle/host-bundle.ts', 'session-host/bundle/build-host.ts'])
      expect(read(file)).not.toMatch(/from ['"][./]*infra\//);
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
