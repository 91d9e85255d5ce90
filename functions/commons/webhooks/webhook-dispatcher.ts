/**
 * Delivers a session's events to one endpoint in seq order, from a durable
 * cursor: the next event is read from the log only after the previous one
 * was acknowledged (2xx) or dead-lettered, so ordering and at-least-once
 * rest on the cursor in DynamoDB, never on what triggered the drain (a
 * stream record, the sweeper, a replay). A lease on the cursor keeps two
 * dispatchers from sending the same event at once; a dispatcher killed
 * mid-request leaves the lease to expire and the event to be sent again.
 */
import type { EventEnvelope } from '../domain/events.ts';
import type { EventLog } from '../events/ports.ts';
import type { Logger } from '../logging/logger.ts';
import { nextRetry, verdictOf } from './retry-schedule.ts';
import { attemptDelivery, type PostFn } from './webhook-attempt.ts';
import { disabledEvent } from './webhook-disabled-event.ts';
import { coversSession, failingTooLong, type WebhookEndpoint, wantsEvent } from './webhook-endpoint.ts';
import { DEAD_LETTER_MESSAGE } from './webhook-metrics.ts';
import {
  type ClaimedCursor,
  type CursorKey,
  CursorLeaseLostError,
  type WebhookCursorStore,
  type WebhookDeliveryLog,
  type WebhookEndpointStore,
} from './webhook-ports.ts';

export type { PostFn };

export interface WebhookDispatcherOptions {
  readonly endpoints: WebhookEndpointStore;
  readonly cursors: WebhookCursorStore;
  readonly deliveries: WebhookDeliveryLog;
  /** Read to deliver; appended to with `webhook:disabled`. */
  readonly events: Pick<EventLog, 'after' | 'append'>;
  readonly post: PostFn;
  readonly log: Logger;
  /** Names this dispatcher's leases. */
  readonly owner: string;
  readonly leaseMs: number;
  readonly retryDelaysMs: readonly number[];
  readonly disableAfterMs: number;
  /** How long delivery records (and dead letters) are kept. */
  readonly deliveryRetentionSeconds: number;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Called when a delivery is dead-lettered or an endpoint disabled (metrics). */
  readonly onOutcome?: (outcome: 'delivered' | 'failed' | 'dead-lettered' | 'disabled') => void;
  /** Called by each sweep with the age (s) of the oldest pending cursor (0: none). */
  readonly onPendingAge?: (seconds: number) => void;
}

export interface AppendedEvent {
  readonly tenantId: string;
  readonly sessionId: string;
}

const PAGE = 50;

export class WebhookDispatcher {
  private readonly running = new Map<string, Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly o: WebhookDispatcherOptions) {
    this.now = o.now ?? Date.now;
  }

  /**
   * Events were appended: mark every covering endpoint's cursor durably
   * dirty (so the sweeper finds it whatever happens next), then drain.
   * Resolves once the marks are written; `drained` once the drains end.
   */
  async onAppended(appended: readonly AppendedEvent[]): Promise<{ drained: Promise<void> }> {
    const sessionsByTenant = new Map<string, Set<string>>();
    for (const a of appended) {
      const set = sessionsByTenant.get(a.tenantId) ?? new Set<string>();
      set.add(a.sessionId);
      sessionsByTenant.set(a.tenantId, set);
    }
    const drains: Promise<void>[] = [];
    for (const [tenantId, sessions] of sessionsByTenant) {
      const endpoints = (await this.o.endpoints.list(tenantId)).filter((e) => e.enabled);
      for (const sessionId of sessions) {
        for (const endpoint of endpoints.filter((e) => coversSession(e, sessionId))) {
          const key = { endpointId: endpoint.endpointId, sessionId };
          await this.o.cursors.markDirty(key, tenantId, this.now());
          drains.push(this.drain(key, tenantId));
        }
      }
    }
    return { drained: Promise.all(drains).then(() => undefined) };
  }

  /** Drains every cursor that is due (retries, and work a stopped dispatcher left). */
  async sweep(limit = 100): Promise<number> {
    const now = this.now();
    const due = await this.o.cursors.due(now, limit);
    this.o.onPendingAge?.(
      due.length === 0 ? 0 : Math.max(0, (now - Math.min(...due.map((d) => d.dueAt))) / 1000),
    );
    await Promise.all(
      due.map((d) => this.drain({ endpointId: d.endpointId, sessionId: d.sessionId }, d.tenantId)),
    );
    return due.length;
  }

  /** One drain per cursor in this process; a nudge during it makes it go round again. */
  drain(key: CursorKey, tenantId: string): Promise<void> {
    const id = `${key.endpointId}/${key.sessionId}`;
    const existing = this.running.get(id);
    if (existing) return existing;
    const run = this.drainOnce(key, tenantId)
      .catch((err: unknown) => {
        if (err instanceof CursorLeaseLostError) return;
        this.o.log.error(
          { err, endpointId: key.endpointId, sessionId: key.sessionId },
          'webhook drain failed',
        );
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  private async drainOnce(key: CursorKey, tenantId: string): Promise<void> {
    let cursor = await this.o.cursors.claim(key, tenantId, this.o.owner, this.now(), this.o.leaseMs);
    if (!cursor) return;
    for (;;) {
      const endpoint = await this.o.endpoints.get(cursor.tenantId, key.endpointId);
      if (!endpoint?.enabled || !coversSession(endpoint, key.sessionId)) {
        // A dispatcher stopped between disabling the endpoint and saying so: say it now.
        if (endpoint && !endpoint.enabled && coversSession(endpoint, key.sessionId))
          await this.notifyDisabled(endpoint, key.sessionId);
        // Nothing to send now; leaving the cursor idle lets a re-enable pick up where it stopped.
        await this.o.cursors.finish(key, this.o.owner, cursor.nudges);
        return;
      }
      const events = await this.o.events.after(key.sessionId, cursor.delivered, PAGE);
      if (events.length === 0) {
        if (await this.o.cursors.finish(key, this.o.owner, cursor.nudges)) return;
        // A nudge arrived while we read: claim again and look once more.
        cursor = await this.o.cursors.claim(key, tenantId, this.o.owner, this.now(), this.o.leaseMs);
        if (!cursor) return;
        continue;
      }
      const stop = await this.deliverPage(endpoint, cursor, events);
      if (stop === 'stopped') return;
      cursor = { ...cursor, delivered: stop.delivered, failures: 0 };
    }
  }

  /** Sends the page in order; returns the new cursor position, or 'stopped' when it let go of the cursor. */
  private async deliverPage(
    endpoint: WebhookEndpoint,
    cursor: ClaimedCursor,
    events: readonly EventEnvelope[],
  ): Promise<{ delivered: number } | 'stopped'> {
    let delivered = cursor.delivered;
    let failures = cursor.failures;
    let skipped = delivered;
    const key = { endpointId: cursor.endpointId, sessionId: cursor.sessionId };
    const flushSkips = async (): Promise<void> => {
      if (skipped === delivered) return;
      await this.o.cursors.advance(key, this.o.owner, delivered, skipped, this.now(), this.o.leaseMs);
      delivered = skipped;
    };
    for (const event of events) {
      if (!wantsEvent(endpoint, event)) {
        skipped = event.seq;
        continue;
      }
      await flushSkips();
      const attempt = await attemptDelivery(this.o.post, endpoint, event, this.now(), this.o.log);
      const verdict = verdictOf(attempt.status);
      const base = {
        endpointId: endpoint.endpointId,
        sessionId: event.sessionId,
        seq: event.seq,
        eventId: event.eventId,
        type: event.type,
      };
      if (verdict === 'delivered') {
        await this.o.deliveries.recordAttempt(
          { ...base, status: 'delivered' },
          attempt,
          this.o.deliveryRetentionSeconds,
        );
        await this.o.cursors.advance(key, this.o.owner, delivered, event.seq, this.now(), this.o.leaseMs);
        delivered = event.seq;
        skipped = delivered;
        failures = 0;
        this.o.onOutcome?.('delivered');
        if (endpoint.failingSince !== undefined) {
          endpoint =
            (await this.o.endpoints.update(endpoint.tenantId, endpoint.endpointId, { failingSince: null })) ??
            endpoint;
        }
        continue;
      }
      if (verdict === 'gone') {
        await this.o.deliveries.recordAttempt(
          { ...base, status: 'retrying' },
          attempt,
          this.o.deliveryRetentionSeconds,
        );
        await this.disable(endpoint, 'gone', event.sessionId);
        await this.o.cursors.release(key, this.o.owner);
        return 'stopped';
      }
      failures += 1;
      this.o.onOutcome?.('failed');
      const decision = nextRetry(failures, this.o.retryDelaysMs, this.o.random);
      const now = this.now();
      const failingSince = endpoint.failingSince ?? now;
      if (endpoint.failingSince === undefined) {
        endpoint =
          (await this.o.endpoints.update(endpoint.tenantId, endpoint.endpointId, { failingSince: now })) ??
          endpoint;
      }
      if (decision.kind === 'dead-letter') {
        await this.o.deliveries.recordAttempt(
          { ...base, status: 'dead' },
          attempt,
          this.o.deliveryRetentionSeconds,
        );
        this.o.log.warn(
          {
            endpointId: endpoint.endpointId,
            tenantId: endpoint.tenantId,
            sessionId: event.sessionId,
            seq: event.seq,
            attempts: failures,
          },
          DEAD_LETTER_MESSAGE,
        );
        this.o.onOutcome?.('dead-lettered');
        await this.o.cursors.advance(key, this.o.owner, delivered, event.seq, now, this.o.leaseMs);
        delivered = event.seq;
        skipped = delivered;
        failures = 0;
      } else {
        const dueAt = now + decision.delayMs;
        await this.o.deliveries.recordAttempt(
          { ...base, status: 'retrying', nextAttemptAt: new Date(dueAt).toISOString() },
          attempt,
          this.o.deliveryRetentionSeconds,
        );
        await this.o.cursors.retryAt(key, this.o.owner, failures, dueAt);
      }
      if (failingTooLong({ ...endpoint, failingSince }, now, this.o.disableAfterMs)) {
        await this.disable(endpoint, 'failing', event.sessionId);
        if (decision.kind === 'dead-letter') await this.o.cursors.release(key, this.o.owner);
        return 'stopped';
      }
      if (decision.kind === 'retry') return 'stopped';
    }
    await flushSkips();
    return { delivered };
  }

  private async disable(
    endpoint: WebhookEndpoint,
    reason: 'gone' | 'failing',
    sessionId: string,
  ): Promise<void> {
    const disabled = await this.o.endpoints.disable(
      endpoint.tenantId,
      endpoint.endpointId,
      reason,
      this.now(),
    );
    // Not enabled any more: whoever disabled it tells.
    if (!disabled) return;
    this.o.log.warn(
      { endpointId: endpoint.endpointId, tenantId: endpoint.tenantId, reason },
      'webhook endpoint disabled',
    );
    this.o.onOutcome?.('disabled');
    await this.notifyDisabled(disabled, sessionId);
  }

  /** Appends the endpoint's webhook:disabled event once (its id names the disable), then remembers it did. */
  private async notifyDisabled(endpoint: WebhookEndpoint, sessionId: string): Promise<void> {
    const { disabledAt, disabledReason } = endpoint;
    if (endpoint.disabledNotified || disabledAt === undefined) return;
    if (disabledReason !== 'gone' && disabledReason !== 'failing') return;
    await this.o.events.append(disabledEvent({ ...endpoint, disabledAt }, disabledReason, sessionId));
    await this.o.endpoints.update(endpoint.tenantId, endpoint.endpointId, { disabledNotified: true });
  }
}
