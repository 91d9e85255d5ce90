import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses, SessionIdParams } from '../schemas/common-schemas.ts';
import { CreateMediaBody, MediaParams, MediaUploadSchema } from '../schemas/media-schemas.ts';
import type { UseCaseDependencies } from '../use-cases/dependencies.ts';
import { createMediaUpload, mediaDownloadUrl } from '../use-cases/session-media.ts';

const createUpload = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/media',
  tags: ['Media'],
  summary: 'Get a media id and a presigned URL to upload the bytes of a media message to',
  description:
    'PUT the bytes to `upload.url` with exactly `upload.headers` before `upload.expiresAt`, then send `{to, image: {mediaId}}` (or video, audio, document, sticker). Uploads expire with the media bucket’s lifecycle (default 30 days) and are deleted with the session.',
  security: bearerSecurity,
  request: {
    params: SessionIdParams,
    body: { required: true, content: { 'application/json': { schema: CreateMediaBody } } },
  },
  responses: {
    201: {
      description: 'Upload URL and media id',
      content: { 'application/json': { schema: MediaUploadSchema } },
    },
    ...errorResponses([400, 404, 413, 415], {
      413: 'Body over 64 KB (PAYLOAD_TOO_LARGE), or `size` over the kind’s limit (MEDIA_TOO_LARGE, details {kind, size, limit})',
      415: '`mimetype` is not a type of that kind (MEDIA_TYPE_MISMATCH)',
    }),
  },
});

const download = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/media/{mediaId}',
  tags: ['Media'],
  summary: 'Download a media object of the session (incoming or uploaded) through a short-lived link',
  security: bearerSecurity,
  request: { params: MediaParams },
  responses: {
    302: {
      description:
        'Location: a presigned GET of the bytes, valid for ZAPFLEET_MEDIA_URL_TTL_SECONDS (default 300 s)',
      headers: { location: { schema: { type: 'string' } } },
    },
    ...errorResponses([400, 404], {
      404: 'SESSION_NOT_FOUND, or MEDIA_NOT_FOUND (never stored, expired, or another tenant’s id)',
    }),
  },
});

export function sessionMediaRoutes(deps: UseCaseDependencies): OpenAPIHono<ApiEnv> {
  return createRouter()
    .openapi(createUpload, async (c) => {
      const upload = await createMediaUpload(
        deps,
        c.get('principal'),
        c.req.valid('param').id,
        c.req.valid('json'),
      );
      return c.json(upload, 201);
    })
    .openapi(download, async (c) => {
      const { id, mediaId } = c.req.valid('param');
      const url = await mediaDownloadUrl(deps, c.get('principal'), id, mediaId);
      c.header('cache-control', 'no-store');
      return c.redirect(url, 302);
    });
}
