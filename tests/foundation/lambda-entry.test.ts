import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { describe, expect, it } from 'vitest';

interface V2Event {
  rawPath: string;
  requestContext: { http: { path: string } };
}

const fixture = (name: string): V2Event & LambdaEvent =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, '..', 'fixtures', 'apigw-v2', name), 'utf8'));

const context = { awsRequestId: 'req-1', callbackWaitsForEmptyEventLoop: false } as LambdaContext;

describe('the HTTP API Lambda entry', () => {
  it('answers an API Gateway HTTP API v2 event for /v1/health', async () => {
    const { handler } = await import('../../functions/api/handler.ts');
    const result = await handler(fixture('get-health.json'), context);
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(result.body ?? '')).toMatchObject({ status: 'ok', version: expect.any(String) });
  });

  it('answers 404 for a path the API does not serve', async () => {
    const { handler } = await import('../../functions/api/handler.ts');
    const event = fixture('get-health.json');
    event.rawPath = '/nope';
    event.requestContext.http.path = '/nope';
    const result = await handler(event, context);
    expect(result.statusCode).toBe(404);
  });
});
