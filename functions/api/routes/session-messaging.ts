import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import QRCode from 'qrcode';
import type { ApiEnv } from '../http/api-env.ts';
import { createRouter } from '../http/router.ts';
import { bearerSecurity, errorResponses, SessionIdParams } from '../schemas/common-schemas.ts';
import {
  MESSAGE_CONTENT_KEYS,
  PairingCodeBody,
  PairingCodeSchema,
  QrQuery,
  QrSchema,
  SendMessageBody,
  SentMessageSchema,
} from '../schemas/session-schemas.ts';
import type { UseCaseDependencies } from '../use-cases/dependencies.ts';
import { actionOf, isMediaKind } from '../use-cases/message-actions.ts';
import type { MediaRequest } from '../use-cases/outgoing-content.ts';
import { queueMessage } from '../use-cases/queue-message.ts';
import {
  currentQr,
  requestPairingCode,
  type SendMessageInput,
  sendMessage,
} from '../use-cases/session-messaging.ts';

const qr = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/qr',
  tags: ['Linking'],
  summary: 'The QR code to scan now, as JSON, PNG or SVG',
  security: bearerSecurity,
  request: { params: SessionIdParams, query: QrQuery },
  responses: {
    200: {
      description: 'The current QR (never cached)',
      content: {
        'application/json': { schema: QrSchema },
        'image/png': { schema: { type: 'string', format: 'binary' } },
        'image/svg+xml': { schema: { type: 'string' } },
      },
    },
    ...errorResponses([400, 404], { 404: 'SESSION_NOT_FOUND, or QR_NOT_AVAILABLE with the current status' }),
  },
});

const pairingCode = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/pairing-code',
  tags: ['Linking'],
  summary: 'Get a pairing code to type on the phone instead of scanning',
  security: bearerSecurity,
  request: {
    params: SessionIdParams,
    body: { required: true, content: { 'application/json': { schema: PairingCodeBody } } },
  },
  responses: {
    200: { description: 'The code', content: { 'application/json': { schema: PairingCodeSchema } } },
    ...errorResponses([400, 404, 409, 413, 502, 504], {
      409: 'Not running on a host (SESSION_NOT_CONNECTED)',
    }),
  },
});

const send = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/messages',
  tags: ['Messages'],
  summary: 'Queue (default) or send a text or media message (idempotent with idempotencyKey)',
  security: bearerSecurity,
  request: {
    params: SessionIdParams,
    body: { required: true, content: { 'application/json': { schema: SendMessageBody } } },
  },
  responses: {
    201: {
      description: '`mode: sync`: sent (or sent before under this key with the same `to` and content)',
      content: { 'application/json': { schema: SentMessageSchema } },
    },
    202: {
      description:
        "Queued: durably in the session's send queue (`status: QUEUED`, or the current status of an earlier request with this key); the owning host sends queued messages once each, in order, at the paced rate",
      content: { 'application/json': { schema: SentMessageSchema } },
    },
    ...errorResponses([400, 404, 409, 413, 415, 422, 429, 502, 504], {
      400: 'Invalid body (VALIDATION_FAILED): not exactly one of text/image/video/audio/document/sticker/location/contact/reaction/edit/delete, not exactly one of mediaId/url, a caption on audio or sticker, a latitude or longitude out of range, a reaction that is not one emoji, `quoted` with a reaction, edit or delete',
      404: 'SESSION_NOT_FOUND, or MEDIA_NOT_FOUND (no such upload in this session; also for another tenant’s media id)',
      409: 'The session is not connected (sync) or not running (queued) (SESSION_NOT_CONNECTED), or the idempotencyKey was already used within 24 h for a different `to` or content (IDEMPOTENCY_KEY_REUSED; nothing is sent)',
      413: 'Body over 64 KB (PAYLOAD_TOO_LARGE), or the media is over its kind’s limit (MEDIA_TOO_LARGE; sync: also when the host finds a URL’s file too large)',
      415: 'The bytes are not the kind or declared mimetype (MEDIA_TYPE_MISMATCH; nothing is sent)',
      422: 'NOT_OWN_MESSAGE (sync): an edit or delete of a message the host knows a contact sent. The media URL is not a destination hosts may fetch (MEDIA_URL_REFUSED: not https, credentials, a private, loopback or link-local address)',
      429: "The session's send queue is full (SEND_QUEUE_FULL, with Retry-After; nothing is queued), or a tenant rate (RATE_LIMITED)",
    }),
  },
});

export function sessionMessagingRoutes(deps: UseCaseDependencies): OpenAPIHono<ApiEnv> {
  const router = createRouter();
  // Also on QR_NOT_AVAILABLE: a status answer must not be cached either.
  router.use('/v1/sessions/:id/qr', async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
  });
  return router
    .openapi(qr, async (c) => {
      const current = await currentQr(deps, c.get('principal'), c.req.valid('param').id);
      const format = c.req.valid('query').format;
      if (format === 'png') {
        const png = await QRCode.toBuffer(current.qr, { type: 'png', margin: 2, width: 320 });
        return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png' });
      }
      if (format === 'svg') {
        const svg = await QRCode.toString(current.qr, { type: 'svg', margin: 2 });
        return c.body(svg, 200, { 'content-type': 'image/svg+xml' });
      }
      return c.json(current, 200);
    })
    .openapi(pairingCode, async (c) => {
      const result = await requestPairingCode(
        deps,
        c.get('principal'),
        c.req.valid('param').id,
        c.req.valid('json').phoneNumber,
      );
      return c.json({ code: result.code }, 200);
    })
    .openapi(send, async (c) => {
      const body = c.req.valid('json');
      const id = c.req.valid('param').id;
      const { mode } = body;
      const input = toSendInput(body);
      if (mode === 'sync') {
        const sent = await sendMessage(deps, c.get('principal'), id, input);
        return c.json({ messageId: sent.messageId, status: sent.status }, 201);
      }
      const queued = await queueMessage(deps, c.get('principal'), id, input);
      return c.json({ messageId: queued.messageId, status: queued.status }, 202);
    });
}

type SendBody = z.infer<typeof SendMessageBody>;

/** The body's one content field as the use case takes it. */
function toSendInput(body: SendBody): SendMessageInput {
  const base = { to: body.to, idempotencyKey: body.idempotencyKey, quoted: body.quoted };
  const action = actionOf(body);
  if (action) return { ...base, action };
  for (const kind of MESSAGE_CONTENT_KEYS) {
    if (!isMediaKind(kind) || body[kind] === undefined) continue;
    const media: MediaRequest = { kind, ...body[kind] };
    return { ...base, media };
  }
  return { ...base, text: body.text };
}
