export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly sessionIds?: readonly string[];
  readonly description?: string;
  readonly enabled: boolean;
  readonly disabledReason?: string;
  readonly createdAt: string;
}

export interface AttemptView {
  readonly at: string;
  readonly status?: number;
  readonly error?: string;
  readonly durationMs: number;
  readonly responseBody?: string;
}

export interface DeliveryView {
  readonly sessionId: string;
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  readonly status: string;
  readonly attempts: readonly AttemptView[];
  readonly nextAttemptAt?: string;
  readonly updatedAt: string;
}

/** A secret shown once: after create or rotate. */
export interface ShownSecret {
  readonly webhookId: string;
  readonly secret: string;
  readonly note: string;
}

/** `*`, or comma/space separated event types, as the API's `events` list. */
export function parseEvents(text: string): string[] {
  const events = text
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);
  return events.length > 0 ? [...new Set(events)] : ['*'];
}

/** What an attempt came back with: the HTTP status, or the error when there was no answer. */
export function attemptOutcome(a: AttemptView | undefined): string {
  if (!a) return 'not tried yet';
  if (a.status !== undefined) return `HTTP ${a.status}`;
  return a.error ?? 'no answer';
}
