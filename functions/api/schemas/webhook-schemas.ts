import { z } from '@hono/zod-openapi';
import { EVENT_TYPES } from '#commons/domain/events.ts';
import { SESSION_ID_PATTERN } from '#commons/domain/ids.ts';
import { WEBHOOK_LIMITS } from '#commons/webhooks/webhook-config.ts';
import { tenantQueryField } from './common-schemas.ts';

export const WEBHOOK_ID_PATTERN = /^whk_[A-Za-z0-9]{20}$/;

export const WebhookIdParams = z.object({
  id: z
    .string()
    .regex(WEBHOOK_ID_PATTERN)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'whk_abcdefghijklmnopqrst' }),
});

export const TenantQuery = z.object({ tenantId: tenantQueryField });

const EventFilter = z.enum(['*', ...EVENT_TYPES]).openapi({ description: 'An event type, or `*` for all' });
const sessionIds = z
  .array(z.string().regex(SESSION_ID_PATTERN))
  .min(1)
  .max(WEBHOOK_LIMITS.maxSessionIdsPerEndpoint);

export const CreateWebhookBody = z
  .object({
    url: z.string().max(WEBHOOK_LIMITS.maxUrlLength).openapi({ example: 'https://example.com/zapfleet' }),
    events: z.array(EventFilter).min(1).max(WEBHOOK_LIMITS.maxEventFilters),
    sessionIds: sessionIds.optional().openapi({ description: 'Absent: every session of the tenant' }),
    description: z
      .string()
      .max(WEBHOOK_LIMITS.maxDescriptionLength)
      // Control characters (NUL, escapes) end up in dashboards and logs; a description is one line of text.
      .regex(/^[^\p{Cc}]*$/u, 'expected printable text without control characters')
      .optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .openapi('CreateWebhook');

export const UpdateWebhookBody = z
  .object({
    url: CreateWebhookBody.shape.url.optional(),
    events: CreateWebhookBody.shape.events.optional(),
    sessionIds: sessionIds.nullable().optional().openapi({ description: 'null: every session again' }),
    description: CreateWebhookBody.shape.description,
    enabled: z.boolean().optional(),
  })
  .strict()
  .openapi('UpdateWebhook');

export const WebhookSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    sessionIds: z.array(z.string()).optional(),
    description: z.string().optional(),
    enabled: z.boolean(),
    disabledReason: z.enum(['gone', 'failing', 'manual']).optional(),
    failingSince: z.string().optional(),
    createdAt: z.string(),
  })
  .openapi('Webhook');

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().openapi({ description: 'The signing secret (whsec_…), shown only in this response' }),
}).openapi('CreatedWebhook');

export const WebhookListSchema = z.object({ webhooks: z.array(WebhookSchema) }).openapi('WebhookList');

export const RotatedSecretSchema = z
  .object({
    secret: z.string(),
    previousSecretExpiresAt: z
      .string()
      .openapi({ description: 'Until then deliveries carry both signatures' }),
  })
  .openapi('RotatedSecret');

const AttemptSchema = z
  .object({
    at: z.string(),
    status: z.number().int().optional(),
    error: z.string().optional(),
    durationMs: z.number(),
    responseBody: z.string().optional().openapi({ description: 'At most the first 1 KB of the answer' }),
  })
  .openapi('WebhookAttempt');

export const DELIVERY_STATUSES = ['delivered', 'retrying', 'dead', 'replayed'] as const;

export const DeliveryPageSchema = z
  .object({
    deliveries: z.array(
      z.object({
        sessionId: z.string(),
        seq: z.number().int(),
        eventId: z.string(),
        type: z.string(),
        status: z.enum([...DELIVERY_STATUSES, 'pending']),
        attempts: z.array(AttemptSchema),
        nextAttemptAt: z.string().optional(),
        updatedAt: z.string(),
      }),
    ),
    next: z.string().optional(),
  })
  .openapi('WebhookDeliveryPage');

export const DeliveriesQuery = z.object({
  tenantId: tenantQueryField,
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  after: z
    .string()
    .regex(/^ses_[a-z2-7]{20}#\d{12}$/, 'expected the `next` value of a previous page')
    .optional()
    .openapi({ description: 'The `next` value of the previous page.' }),
});

export const ReplayBody = z
  .object({
    sessionId: z.string().regex(SESSION_ID_PATTERN).optional(),
    after: z.number().int().min(0).optional(),
    eventIds: z.array(z.string().min(1).max(200)).min(1).max(WEBHOOK_LIMITS.maxReplayEventIds).optional(),
  })
  .strict()
  .openapi('WebhookReplay');

export const ReplayResultSchema = z
  .object({ sessions: z.record(z.string(), z.number()) })
  .openapi('WebhookReplayResult', { description: 'Per session, the seq after which delivery starts again' });

export const TestResultSchema = z
  .object({ delivered: z.boolean(), attempt: AttemptSchema })
  .openapi('WebhookTestResult');
