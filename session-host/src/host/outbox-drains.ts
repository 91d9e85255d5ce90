import { jidEncode } from '@whiskeysockets/baileys';
import type { EventData } from '#commons/domain/event-payloads.ts';
import { parseRecipient } from '#commons/domain/recipient.ts';
import {
  messageStatusEventId,
  type OutboxState,
  type QueuedMessage,
  type SendQueue,
} from '#commons/domain/session-outbox.ts';
import type { Logger } from '#commons/logging/logger.ts';
import { groupFailure } from '../groups/group-errors.ts';
import { DEFAULT_OUTBOX_BACKSTOP_MS } from '../host-limits.ts';
import { MediaError } from '../media/media-errors.ts';
import { NotOwnMessageError } from '../messaging/message-ids.ts';
import { queuedContent } from '../messaging/queued-content.ts';
import type { ResendContents } from '../messaging/resend-contents.ts';
import { encodeSentContent } from '../messaging/stored-sent-contents.ts';
import { SendQueueFullError } from '../runtime/send-pacer.ts';
import type { OutgoingMessage } from '../runtime/send-text.ts';
import {
  InvalidRecipientError,
  SendStalledError,
  SessionNotConnectedError,
} from '../runtime/session-errors.ts';
import type { EventSink } from '../runtime/session-events.ts';

/** What a drain needs of a running session. */
export interface DrainTarget {
  readonly sessionId: string;
  readonly epoch: number;
  readonly isConnected: boolean;
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  /** What the session sent, as sent: kept with the SENT row for a resend by a later owner. */
  readonly sent?: { readonly contents: ResendContents };
}

export interface OutboxDrainsDeps {
  readonly queue: SendQueue;
  readonly events: EventSink;
  readonly logger: Logger;
  /** The session running here under this id now, if any. */
  readonly current: (sessionId: string) => DrainTarget | undefined;
  readonly now?: () => Date;
  /** How often a session whose queue was last seen empty is looked at without a nudge. */
  readonly backstopMs?: number;
}

/** Rows read per look at a session's queue. */
const BATCH = 25;
/** Sends of one message that failed for an unknown reason before it is marked FAILED (SEND_FAILED). */
export const MAX_SEND_ATTEMPTS = 3;
/** Rounds of failing a logged-out session's queue (BATCH each: past the largest queue limit). */
const MAX_FAIL_ROUNDS = 4_000;
/** Messages whose failed attempts are remembered; the oldest is forgotten past it (it then gets 3 more). */
const MAX_TRACKED_FAILURES = 1_000;

/**
 * Sends each running session's queued messages (the 202 path) one at a time in
 * queue order through the session's pacer. A row is marked SENDING under the
 * session's owner epoch before the socket write and SENT after, both
 * conditional on the epoch, so a newer owner resumes a SENDING row by sending
 * it again under the same message id (WhatsApp drops an id it already
 * delivered) and an older owner can no longer mark it.
 */
export class OutboxDrains {
  private readonly running = new Map<string, { again: boolean }>();
  private readonly attempts = new Map<string, number>();
  /** When each running session's queue was last seen empty; absent: work may be left. */
  private readonly emptyAt = new Map<string, number>();
  private readonly now: () => Date;

  constructor(private readonly deps: OutboxDrainsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Sessions being drained right now (a per-session map: empty when idle). */
  get size(): number {
    return this.running.size;
  }

  /**
   * The reconcile timer's look: every running session whose last pass left
   * work (or that none has looked at yet), and the empty ones once per backstop.
   */
  backstop(running: Iterable<string>): void {
    const now = this.now().getTime();
    const seen = new Set<string>();
    for (const sessionId of running) {
      seen.add(sessionId);
      const empty = this.emptyAt.get(sessionId);
      if (empty === undefined || now - empty >= (this.deps.backstopMs ?? DEFAULT_OUTBOX_BACKSTOP_MS))
        this.kick(sessionId);
    }
    for (const sessionId of this.emptyAt.keys()) if (!seen.has(sessionId)) this.emptyAt.delete(sessionId);
  }

  /** Looks at the session's queue now, or once more after the pass under way. */
  kick(sessionId: string): void {
    const run = this.running.get(sessionId);
    if (run) {
      run.again = true;
      return;
    }
    if (!this.deps.current(sessionId)) return;
    const state = { again: true };
    this.running.set(sessionId, state);
    void this.loop(sessionId, state).finally(() => this.running.delete(sessionId));
  }

  /**
   * The session logged out: its pending messages can never go, so each is
   * FAILED (SESSION_LOGGED_OUT) and told, rather than waiting out the outbox's 24 h.
   */
  async failAll(sessionId: string): Promise<void> {
    const failure = {
      code: 'SESSION_LOGGED_OUT',
      message: 'the session logged out before the message was sent',
    };
    // Bounded: each round fails what it read, so the queue shrinks every round.
    for (let round = 0; round < MAX_FAIL_ROUNDS; round++) {
      const rows = await this.deps.queue.pending(sessionId, BATCH);
      if (rows.length === 0) return;
      for (const row of rows) {
        if ((await this.deps.queue.failPending(row, failure, this.now())) === 'marked')
          this.status(row, 'FAILED', true, failure);
      }
    }
  }

  private async loop(sessionId: string, state: { again: boolean }): Promise<void> {
    while (state.again) {
      state.again = false;
      const target = this.deps.current(sessionId);
      if (!target) return;
      try {
        if (await this.pass(target)) this.emptyAt.set(sessionId, this.now().getTime());
        else this.emptyAt.delete(sessionId);
      } catch (err) {
        this.emptyAt.delete(sessionId);
        // The rows stay queued: the next kick (reconcile timer, nudge, reconnect) looks again.
        this.deps.logger.warn({ err, sessionId }, 'send queue drain failed');
        return;
      }
    }
  }

  /** True when it left the queue empty; false when it stopped with work left (or could not look). */
  private async pass(target: DrainTarget): Promise<boolean> {
    const seen = new Set<string>();
    for (;;) {
      if (this.deps.current(target.sessionId) !== target || !target.isConnected) return false;
      const pending = await this.deps.queue.pending(target.sessionId, BATCH);
      // Rows just sent may still show in the queue index (a GSI): empty only when nothing showed.
      if (pending.length === 0) return true;
      const rows = pending.filter((row) => !seen.has(row.idempotencyKey));
      if (rows.length === 0) return false;
      for (const row of rows) {
        seen.add(row.idempotencyKey);
        if (!(await this.sendOne(target, row))) return false;
      }
    }
  }

  /** False when the drain must stop for now (not connected, a newer owner). */
  private async sendOne(target: DrainTarget, row: QueuedMessage): Promise<boolean> {
    const epoch = target.epoch;
    this.status(row, 'QUEUED', false);
    const sending = await this.deps.queue.markSending(row, epoch);
    if (sending === 'finished') return true;
    if (sending === 'fenced') return false;
    try {
      await target.send(queuedContent(row));
    } catch (err) {
      if (err instanceof SendStalledError) {
        const { sessionId, messageId } = row;
        const renewed = err.stage !== 'gate'; // at the gate the wait is our storage: the socket stays
        const { waits } = err;
        this.deps.logger.warn({ sessionId, messageId, stage: err.stage, renewed, waits }, 'send stalled');
      }
      // Not connected includes a socket that closed under the send before its frame left (SocketClosedError):
      // not the message's fault. Counted as a failure, a storage outage that makes each renewed socket close
      // at once spent all attempts in seconds and failed a message never sent (chaos seed 4 of a5e8114).
      if (err instanceof SessionNotConnectedError || err instanceof SendQueueFullError) return false;
      // A busy host is not the message's fault: it stays queued for the next pass, like a full send queue.
      if (err instanceof MediaError && err.code === 'MEDIA_TRANSFERS_BUSY') return false;
      if (err instanceof InvalidRecipientError)
        return this.fail(row, epoch, 'INVALID_RECIPIENT', err.message);
      if (err instanceof MediaError && !err.transient) return this.fail(row, epoch, err.code, err.message);
      if (err instanceof NotOwnMessageError) return this.fail(row, epoch, err.code, err.message);
      const group = groupFailure(err);
      if (group) return this.fail(row, epoch, group.code, group.message);
      const attempts = (this.attempts.get(row.messageId) ?? 0) + 1;
      this.deps.logger.warn(
        { err, sessionId: row.sessionId, messageId: row.messageId, attempts },
        'send failed',
      );
      if (attempts < MAX_SEND_ATTEMPTS) {
        this.attempts.set(row.messageId, attempts);
        if (this.attempts.size > MAX_TRACKED_FAILURES)
          this.attempts.delete(this.attempts.keys().next().value as string);
        return false;
      }
      if (err instanceof MediaError) return this.fail(row, epoch, err.code, err.message);
      return this.fail(row, epoch, 'SEND_FAILED', 'the message could not be sent');
    }
    this.attempts.delete(row.messageId);
    const content = encodeSentContent(target.sent?.contents.find(row.messageId));
    const done = await this.deps.queue.markDone(row, epoch, { state: 'SENT', content }, this.now());
    if (done !== 'marked') return false;
    this.status(row, 'SENT', true);
    return true;
  }

  private async fail(row: QueuedMessage, epoch: number, code: string, message: string): Promise<boolean> {
    this.attempts.delete(row.messageId);
    const done = await this.deps.queue.markDone(row, epoch, { state: 'FAILED', code, message }, this.now());
    if (done !== 'marked') return false;
    this.status(row, 'FAILED', true, { code, message });
    return true;
  }

  /** Each status once per message (the event id), whichever host tells it. */
  private status(
    row: QueuedMessage,
    status: OutboxState,
    critical: boolean,
    error?: { code: string; message: string },
  ): void {
    const recipient = parseRecipient(row.to);
    const data: EventData<'session:message-status'> = {
      id: row.messageId,
      chat: recipient ? jidEncode(recipient.user, recipient.server) : null,
      fromMe: true,
      status,
      ...(error && { error }),
    };
    const event = {
      type: 'session:message-status' as const,
      tenantId: row.tenantId,
      sessionId: row.sessionId,
      data,
      eventId: messageStatusEventId(row.messageId, status),
    };
    this.deps.events.push(event, critical).catch(() => undefined);
  }
}

/** A session's event sink whose session:logged-out also fails the session's queued messages. */
export function failingQueuedOnLogout(
  events: EventSink,
  drains: OutboxDrains | undefined,
  logger: Logger,
): EventSink {
  return {
    push: (event, critical) => {
      if (event.type === 'session:logged-out' && drains) {
        drains.failAll(event.sessionId).catch((err: unknown) => {
          logger.warn({ err, sessionId: event.sessionId }, 'failing queued messages failed');
        });
      }
      return events.push(event, critical);
    },
  };
}
