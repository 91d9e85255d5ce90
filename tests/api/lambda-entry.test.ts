import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestAws, type TestAws } from '../support/aws.ts';
import { signToken, TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET } from './support/api-harness.ts';

/** Reads an API Gateway HTTP API (v2) event and fills in the placeholders. */
function fixture(name: string, values: Record<string, string>): LambdaEvent {
  let text = readFileSync(resolve(import.meta.dirname, '..', 'fixtures', 'apigw-v2', name), 'utf8');
  for (const [key, value] of Object.entries(values)) text = text.replaceAll(`{{${key}}}`, value);
  return JSON.parse(text) as LambdaEvent;
}

const context = { awsRequestId: 'req-1', callbackWaitsForEmptyEventLoop: false } as LambdaContext;
type Handler = typeof import('../../functions/api/handler.ts')['handler'];

let aws: TestAws;
let handler: Handler;
let token: string;

beforeAll(async () => {
  aws = await createTestAws('lambda');
  for (const [name, value] of Object.entries(aws.env)) vi.stubEnv(name, value);
  vi.stubEnv('ZAPFLEET_JWT_SECRET', TEST_SECRET);
  vi.stubEnv('ZAPFLEET_JWT_ISSUER', TEST_ISSUER);
  vi.stubEnv('ZAPFLEET_JWT_AUDIENCE', TEST_AUDIENCE);
  vi.stubEnv('ZAPFLEET_INTERNAL_TOKEN', 'internal-token-internal-token-0123456789');
  vi.stubEnv('LOG_LEVEL', 'silent');
  vi.resetModules();
  ({ handler } = await import('../../functions/api/handler.ts'));
  token = await signToken({ tenant: 'acme', role: 'ADMIN' });
});
afterAll(() => {
  vi.unstubAllEnvs();
  aws.destroy();
});

describe('the HTTP API Lambda entry with API Gateway v2 events', () => {
  it('creates, lists, gets and deletes a session', async () => {
    const created = await handler(fixture('post-session.json', { TOKEN: token }), context);
    expect(created.statusCode).toBe(201);
    const session = JSON.parse(created.body ?? '') as { id: string; name: string; tenantId: string };
    expect(session).toMatchObject({ name: 'lambda-line', tenantId: 'acme' });

    const listed = await handler(fixture('list-sessions.json', { TOKEN: token }), context);
    expect(listed.statusCode).toBe(200);
    expect(
      (JSON.parse(listed.body ?? '') as { sessions: { id: string }[] }).sessions.map((s) => s.id),
    ).toEqual([session.id]);

    const got = await handler(fixture('get-session.json', { TOKEN: token, SESSION_ID: session.id }), context);
    expect(got.statusCode).toBe(200);

    const deleted = await handler(
      fixture('delete-session.json', { TOKEN: token, SESSION_ID: session.id }),
      context,
    );
    expect(deleted.statusCode).toBe(204);
    const gone = await handler(
      fixture('get-session.json', { TOKEN: token, SESSION_ID: session.id }),
      context,
    );
    expect(gone.statusCode).toBe(404);
  });

  it('uses the API Gateway request id in errors and the response header', async () => {
    const result = await handler(
      fixture('get-session.json', { TOKEN: 'nope', SESSION_ID: 'ses_aaaaaaaaaaaaaaaaaaaa' }),
      context,
    );
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body ?? '')).toEqual({
      error: { code: 'UNAUTHENTICATED', message: expect.any(String), requestId: 'Ab3GetReq0000=' },
    });
    expect(result.headers?.['x-request-id']).toBe('Ab3GetReq0000=');
  });

  it('answers /v1/health and a 404 for an unknown path', async () => {
    const health = fixture('get-health.json', {});
    expect((await handler(health, context)).statusCode).toBe(200);
    const unknown = fixture('get-health.json', {}) as LambdaEvent & {
      rawPath: string;
      requestContext: { http: { path: string } };
    };
    unknown.rawPath = '/nope';
    unknown.requestContext.http.path = '/nope';
    const result = await handler(unknown, context);
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body ?? '').error.code).toBe('NOT_FOUND');
  });
});

describe('the Lambda entry without configuration', () => {
  it('fails loudly at import, naming what is missing', async () => {
    vi.unstubAllEnvs();
    vi.resetModules();
    await expect(import('../../functions/api/handler.ts')).rejects.toThrow(
      /ZAPFLEET_JWT_SECRET|ZAPFLEET_TABLE/,
    );
  });
});
