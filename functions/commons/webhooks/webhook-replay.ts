import type { WebhookEndpoint } from './webhook-endpoint.ts';
import type { WebhookCursorStore, WebhookDeliveryLog } from './webhook-ports.ts';

export interface ReplayInput {
  readonly sessionId?: string | undefined;
  /** Deliver again every event with a seq above this one (per session). */
  readonly after?: number | undefined;
  /** Dead letters to deliver again; without `after` or `eventIds`, every dead letter. */
  readonly eventIds?: readonly string[] | undefined;
}

export interface ReplayResult {
  /** Per session, the seq the cursor was moved back to (delivery restarts after it). */
  readonly sessions: Readonly<Record<string, number>>;
}

/**
 * A replay moves the (endpoint, session) cursor back, so the dispatcher
 * sends again from there in seq order with the same webhook-ids: events
 * after the earliest one asked for are sent again too (receivers drop
 * repeats by webhook-id). It reads from the event log, so it reaches back
 * as far as the log keeps events.
 */
export async function replayDeliveries(
  deps: { readonly cursors: WebhookCursorStore; readonly deliveries: WebhookDeliveryLog },
  endpoint: WebhookEndpoint,
  input: ReplayInput,
  now: number,
): Promise<ReplayResult> {
  const targets = new Map<string, number>();
  if (input.after !== undefined) {
    const sessions = input.sessionId ? [input.sessionId] : await deps.cursors.sessionsOf(endpoint.endpointId);
    for (const s of sessions) targets.set(s, input.after);
  } else {
    const dead = await deps.deliveries.deadLetters(endpoint.endpointId, input.sessionId);
    const wanted = input.eventIds ? new Set(input.eventIds) : undefined;
    for (const d of dead) {
      if (wanted && !wanted.has(d.eventId)) continue;
      targets.set(d.sessionId, Math.min(targets.get(d.sessionId) ?? Number.POSITIVE_INFINITY, d.seq - 1));
      await deps.deliveries.setStatus(endpoint.endpointId, d.sessionId, d.seq, 'replayed');
    }
  }
  for (const [sessionId, to] of targets) {
    await deps.cursors.rewind({ endpointId: endpoint.endpointId, sessionId }, endpoint.tenantId, to, now);
  }
  return { sessions: Object.fromEntries(targets) };
}
