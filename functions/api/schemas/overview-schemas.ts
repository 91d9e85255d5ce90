import { z } from '@hono/zod-openapi';
import { ALL_TENANTS, STATS_WINDOW_MINUTES } from '#commons/domain/message-stats.ts';
import { SESSION_STATUSES } from '#commons/domain/session-status.ts';
import type { Overview } from '../use-cases/overview.ts';
import { tenantQueryField } from './common-schemas.ts';

export const OverviewQuery = z.object({
  tenantId: tenantQueryField.openapi({
    description:
      'A MASTER token may name one tenant; without it, MASTER sees every tenant and ADMIN its own.',
  }),
});

const MinuteSchema = z.object({
  minute: z
    .string()
    .openapi({ description: 'ISO-8601 start of the minute.', example: '2026-12-01T21:14:00.000Z' }),
  in: z.number().int().openapi({ description: 'Messages contacts sent to the tenant’s sessions.' }),
  out: z.number().int().openapi({
    description: 'Queued sends reported SENT, plus messages the account sent from another device.',
  }),
});

export const OverviewSchema = z
  .object({
    scope: z.string().openapi({ description: `The tenant counted, or \`${ALL_TENANTS}\` for every tenant.` }),
    sessions: z.object({
      byStatus: z.object(Object.fromEntries(SESSION_STATUSES.map((s) => [s, z.number().int()]))),
      total: z.number().int(),
      complete: z
        .boolean()
        .openapi({ description: 'False when more sessions exist than one overview reads (10,000).' }),
    }),
    minutes: z.array(MinuteSchema).openapi({
      description: `The last ${STATS_WINDOW_MINUTES} minutes, oldest first; the current minute (still counting) last.`,
    }),
    totals: z.object({ in: z.number().int(), out: z.number().int() }),
  })
  .openapi('Overview');

export function toOverviewView(overview: Overview): z.infer<typeof OverviewSchema> {
  const minutes = overview.minutes.map((m) => ({
    minute: new Date(m.minute * 60_000).toISOString(),
    in: m.in,
    out: m.out,
  }));
  return {
    scope: overview.scope,
    sessions: overview.sessions,
    minutes,
    totals: {
      in: minutes.reduce((a, m) => a + m.in, 0),
      out: minutes.reduce((a, m) => a + m.out, 0),
    },
  };
}
