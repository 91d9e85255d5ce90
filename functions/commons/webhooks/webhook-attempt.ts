/**
 * One signed delivery attempt of an event to an endpoint, recorded as the
 * deliveries listing shows it. A connection error is an attempt too.
 */
import type { EventEnvelope } from '../domain/events.ts';
import type { Logger } from '../logging/logger.ts';
import { signingSecrets, type WebhookEndpoint } from './webhook-endpoint.ts';
import type { AttemptRecord } from './webhook-ports.ts';
import type { PostResult } from './webhook-poster.ts';
import { signedHeaders } from './webhook-signing.ts';

export type PostFn = (url: string, headers: Record<string, string>, body: string) => Promise<PostResult>;

const MAX_RESPONSE_CHARS = 1024;

export async function attemptDelivery(
  post: PostFn,
  endpoint: WebhookEndpoint,
  event: EventEnvelope,
  at: number,
  log: Logger,
): Promise<AttemptRecord> {
  const body = JSON.stringify(event);
  const headers = signedHeaders(signingSecrets(endpoint, at), event.eventId, Math.floor(at / 1000), body);
  const result = await post(endpoint.url, { ...headers }, body).catch((err: unknown): PostResult => {
    log.warn({ err, endpointId: endpoint.endpointId }, 'webhook post failed');
    return { durationMs: 0, error: 'CONNECTION_ERROR' };
  });
  return {
    at: new Date(at).toISOString(),
    durationMs: result.durationMs,
    ...(result.status !== undefined && { status: result.status }),
    ...(result.error !== undefined && { error: result.error }),
    ...(result.responseBody !== undefined && {
      responseBody: result.responseBody.slice(0, MAX_RESPONSE_CHARS),
    }),
  };
}
