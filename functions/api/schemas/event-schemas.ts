import { z } from '@hono/zod-openapi';
import { EVENT_DATA_SCHEMAS } from '#commons/domain/event-payloads.ts';
import { EVENT_PAGE_MAX_BYTES, EVENT_TYPES, EVENT_VERSION } from '#commons/domain/events.ts';

/** Events per page at most; a page also stops at EVENT_PAGE_MAX_BYTES (4 MB). */
export const MAX_EVENT_PAGE = 1000;
export const DEFAULT_EVENT_PAGE = 100;

export const EventEnvelopeSchema = z
  .object({
    v: z.literal(EVENT_VERSION),
    type: z.enum(EVENT_TYPES),
    sessionId: z.string(),
    seq: z.number().int().openapi({ description: 'Position in the session’s log; gap-free, from 1.' }),
    eventId: z.string().openapi({ description: 'Stable across redelivery: deduplicate on it.' }),
    at: z.string(),
    data: z.union(Object.values(EVENT_DATA_SCHEMAS)).openapi({
      description: 'By `type`: the payload the host publishes for that event type; `{}` when `truncated`.',
    }),
    snapshot: z.literal(true).optional(),
    truncated: z.literal(true).optional(),
    href: z.string().optional(),
  })
  .openapi('Event');

/**
 * Digits only: `z.coerce` would read `after=` as 0 and `1e3` as 1000, and a
 * client with an unset variable would silently replay from the start.
 */
const counting = (max: number) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,15})$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(0).max(max));

export const EventsQuery = z.object({
  after: counting(Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({
      param: { name: 'after', in: 'query' },
      type: 'integer',
      minimum: 0,
      default: 0,
      description: 'Return events with a seq above this one (lastSeq or `next` of an earlier read).',
    }),
  limit: counting(MAX_EVENT_PAGE)
    .pipe(z.number().min(1))
    .optional()
    .openapi({
      param: { name: 'limit', in: 'query' },
      type: 'integer',
      minimum: 1,
      maximum: MAX_EVENT_PAGE,
      default: DEFAULT_EVENT_PAGE,
    }),
});

export const EventPageSchema = z
  .object({
    events: z.array(EventEnvelopeSchema),
    lastSeq: z
      .number()
      .int()
      .openapi({ description: 'The seq of the log’s newest event when read (0: none).' }),
    next: z
      .number()
      .int()
      .optional()
      .openapi({
        description: `Present when more events exist: pass it as \`after\` for the next page. A page ends at \`limit\` events or about ${EVENT_PAGE_MAX_BYTES / (1024 * 1024)} MB of events, whichever comes first (never empty while events remain).`,
      }),
  })
  .openapi('EventPage');
