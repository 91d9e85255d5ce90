import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { esbuildOptions, LAMBDA_ENTRIES } from '../../infra/constructs/lambda-bundle.ts';
import { REPO_ROOT } from '../../infra/constructs/repo-paths.ts';
import { createTestAws, type TestAws } from '../support/aws.ts';
import { signToken, TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET } from './support/api-harness.ts';

/**
 * The API Lambda as it ships (built with the deploy's esbuild options, zod
 * aliased to its English-only build) answers exactly as the source does: the
 * OpenAPI document and every refusal of bad input, body and status alike.
 */
type Handler = typeof import('../../functions/api/handler.ts')['handler'];
const context = { awsRequestId: 'req-1', callbackWaitsForEmptyEventLoop: false } as LambdaContext;

let aws: TestAws;
let shipped: Handler;
let source: Handler;
let token: string;
// Inside the repository, so the bundle's external @aws-sdk/* resolve from node_modules as in Lambda.
// A fresh clone has no dist/ yet (CI failed on it).
mkdirSync(join(REPO_ROOT, 'dist'), { recursive: true });
const outDir = mkdtempSync(join(REPO_ROOT, 'dist', 'shipped-api-'));

function event(method: string, path: string, body?: string): LambdaEvent {
  const text = readFileSync(
    resolve(import.meta.dirname, '..', 'fixtures', 'apigw-v2', 'post-session.json'),
    'utf8',
  );
  const e = JSON.parse(text.replaceAll('{{TOKEN}}', token)) as LambdaEvent & {
    rawPath: string;
    requestContext: { http: { method: string; path: string } };
  };
  e.rawPath = path;
  e.requestContext.http.path = path;
  e.requestContext.http.method = method;
  return body === undefined ? { ...e, body: null } : { ...e, body };
}

beforeAll(async () => {
  const outfile = join(outDir, 'index.mjs');
  await build({
    ...esbuildOptions(join(REPO_ROOT, LAMBDA_ENTRIES.api.entry), outfile),
    absWorkingDir: REPO_ROOT,
  });
  aws = await createTestAws('shipped');
  for (const [name, value] of Object.entries(aws.env)) vi.stubEnv(name, value);
  vi.stubEnv('ZAPFLEET_JWT_SECRET', TEST_SECRET);
  vi.stubEnv('ZAPFLEET_JWT_ISSUER', TEST_ISSUER);
  vi.stubEnv('ZAPFLEET_JWT_AUDIENCE', TEST_AUDIENCE);
  vi.stubEnv('ZAPFLEET_INTERNAL_TOKEN', 'internal-token-internal-token-0123456789');
  vi.stubEnv('LOG_LEVEL', 'silent');
  ({ handler: shipped } = (await import(pathToFileURL(outfile).href)) as { handler: Handler });
  ({ handler: source } = await import('../../functions/api/handler.ts'));
  token = await signToken({ tenant: 'acme', role: 'ADMIN' });
}, 60_000);
afterAll(() => {
  vi.unstubAllEnvs();
  aws?.destroy();
  rmSync(outDir, { recursive: true, force: true });
});

describe('the shipped API bundle', () => {
  it('serves the same OpenAPI document as the source', async () => {
    const [a, b] = await Promise.all([
      shipped(event('GET', '/v1/openapi.json'), context),
      source(event('GET', '/v1/openapi.json'), context),
    ]);
    expect(a.statusCode).toBe(200);
    expect(Object.keys(JSON.parse(a.body ?? '{}').paths ?? {}).length).toBeGreaterThan(5);
    expect(a.body).toBe(b.body);
  });

  it.each([
    ['a name of the wrong type', 'POST', '/v1/sessions', '{"name": 5}'],
    ['an unknown field', 'POST', '/v1/sessions', '{"name": "line", "colour": "red"}'],
    ['a name too long', 'POST', '/v1/sessions', JSON.stringify({ name: 'x'.repeat(500) })],
    ['a body that is not JSON', 'POST', '/v1/sessions', '{"name": '],
    ['a malformed session id', 'GET', '/v1/sessions/not-an-id', undefined],
    ['a bad list limit', 'GET', '/v1/sessions?limit=-3', undefined],
  ])('refuses %s in the same words as the source', async (_label, method, path, body) => {
    const [p, query] = path.split('?');
    const make = () => {
      const e = event(method, p as string, body) as LambdaEvent & { rawQueryString: string };
      e.rawQueryString = query ?? '';
      return e;
    };
    const a = await shipped(make(), context);
    const b = await source(make(), context);
    expect(a.statusCode).toBeGreaterThanOrEqual(400);
    expect(a.statusCode).toBeLessThan(500);
    expect({ status: a.statusCode, body: JSON.parse(a.body ?? '') }).toEqual({
      status: b.statusCode,
      body: JSON.parse(b.body ?? ''),
    });
  });
});
