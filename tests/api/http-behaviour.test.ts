import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../functions/api/http/error-status.ts';
import { type ApiHarness, createApiHarness } from './support/api-harness.ts';

let h: ApiHarness;
let token: string;
beforeAll(async () => {
  h = await createApiHarness('http');
  token = await h.adminToken('acme');
});
afterAll(() => h.destroy());

interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId: string };
}

describe('the one error format', () => {
  it('answers an unknown route with 404 NOT_FOUND in the error format', async () => {
    const res = await h.request('GET', '/v1/nope', { token });
    expect(res.status).toBe(404);
    const body = (await res.json()) as ErrorBody;
    expect(body.error).toMatchObject({ code: 'NOT_FOUND', requestId: expect.any(String) });
  });

  it('answers malformed JSON with 400 and stores nothing', async () => {
    const before = (await h.allRecords()).length;
    const res = await h.request('POST', '/v1/sessions', { token, raw: '{"name": ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe('VALIDATION_FAILED');
    expect((await h.allRecords()).length).toBe(before);
  });

  it('refuses a body that is not sent as JSON instead of ignoring it', async () => {
    const before = (await h.allRecords()).length;
    const res = await h.request('POST', '/v1/sessions', {
      token,
      raw: '{"name":"form-encoded"}',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe('VALIDATION_FAILED');
    expect((await h.allRecords()).length).toBe(before);
  });

  it('answers a body over 64 KB with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await h.request('POST', '/v1/sessions', {
      token,
      body: { name: 'x', pad: 'y'.repeat(70_000) },
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 401 with WWW-Authenticate and no hint of the token', async () => {
    const res = await h.request('GET', '/v1/sessions', { headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.text()).not.toContain('abc.def.ghi');
  });

  it('echoes a safe caller request id and replaces an unsafe one', async () => {
    const safe = await h.request('GET', '/v1/sessions', { token, headers: { 'x-request-id': 'trace-123' } });
    expect(safe.headers.get('x-request-id')).toBe('trace-123');
    const unsafe = await h.request('GET', '/v1/nope', { headers: { 'x-request-id': 'bad id <script>' } });
    const body = (await unsafe.json()) as ErrorBody;
    expect(body.error.requestId).not.toContain('<');
    expect(unsafe.headers.get('x-request-id')).toBe(body.error.requestId);
  });

  it('maps every error code to a 4xx or 5xx status', () => {
    for (const status of Object.values(ERROR_STATUS)) expect(status).toBeGreaterThanOrEqual(400);
  });
});

describe('the API description', () => {
  it('serves an OpenAPI 3.1 document that validates', async () => {
    const res = await h.request('GET', '/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route with its bearer security', async () => {
    const doc = (await (await h.request('GET', '/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.map((o) => o.route).sort()).toEqual(
      [
        'POST /v1/sessions',
        'GET /v1/sessions',
        'GET /v1/sessions/{id}',
        'DELETE /v1/sessions/{id}',
        'POST /v1/sessions/{id}/start',
        'POST /v1/sessions/{id}/stop',
        'POST /v1/sessions/{id}/restart',
        'POST /v1/sessions/{id}/logout',
        'GET /v1/sessions/{id}/qr',
        'POST /v1/sessions/{id}/pairing-code',
        'POST /v1/sessions/{id}/messages',
        'POST /v1/sessions/{id}/chats/{chat}/read',
        'POST /v1/sessions/{id}/chats/{chat}/presence',
        'GET /v1/sessions/{id}/contacts/check',
        'GET /v1/sessions/{id}/groups',
        'POST /v1/sessions/{id}/groups',
        'GET /v1/sessions/{id}/groups/{groupJid}',
        'POST /v1/sessions/{id}/groups/{groupJid}/participants',
        'POST /v1/sessions/{id}/groups/{groupJid}/leave',
        'POST /v1/sessions/{id}/media',
        'GET /v1/sessions/{id}/media/{mediaId}',
        'GET /v1/sessions/{id}/events',
        'GET /v1/hosts',
        'GET /v1/hosts/{hostId}/sessions',
        'GET /v1/stats/overview',
        'GET /v1/tenants/{tenantId}/limits',
        'PUT /v1/tenants/{tenantId}/limits',
      ].sort(),
    );
    for (const { op } of operations) expect(op.security).toEqual([{ bearerAuth: [] }]);
  });

  it('leaves /docs to the dashboard server (Swagger UI stays out of the API bundle)', async () => {
    const res = await h.request('GET', '/docs');
    expect(res.status).toBe(404);
  });
});
