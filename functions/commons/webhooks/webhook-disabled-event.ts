/**
 * The `webhook:disabled` event: appended to the log of the session whose
 * delivery disabled the endpoint, so the tenant's other endpoints (and
 * readers of the log) learn it in seq order with everything else.
 */

import type { EventData } from '../domain/event-payloads.ts';
import type { NewEvent } from '../domain/events.ts';
import type { WebhookEndpoint } from './webhook-endpoint.ts';

/** The URL without credentials, query or fragment: those may carry the receiver's token. */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '';
  }
}

/**
 * One id per (endpoint, disable time): appending it again after a crash
 * between the disable and the append finds the first one, never a second.
 */
export function disabledEventId(endpointId: string, disabledAt: number): string {
  return `webhook-disabled-${endpointId}-${disabledAt}`;
}

export function disabledEvent(
  endpoint: WebhookEndpoint & { disabledAt: number },
  reason: 'gone' | 'failing',
  sessionId: string,
): NewEvent<EventData<'webhook:disabled'>> {
  return {
    type: 'webhook:disabled',
    tenantId: endpoint.tenantId,
    sessionId,
    eventId: disabledEventId(endpoint.endpointId, endpoint.disabledAt),
    data: {
      webhookId: endpoint.endpointId,
      url: publicUrl(endpoint.url),
      reason,
      disabledAt: new Date(endpoint.disabledAt).toISOString(),
    },
  };
}
