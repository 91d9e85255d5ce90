import type { WASocket } from '@whiskeysockets/baileys';
import { SerialQueue } from '#commons/concurrency/serial-queue.ts';
import { type ConnectionOutcome, connectionOutcome } from '#commons/domain/connection-outcome.ts';
import { DEFAULT_DISCONNECT_POLICY } from '#commons/domain/disconnect-policy.ts';
import { FencedError } from '#commons/domain/fence.ts';
import { DEFAULT_SEND_PACING } from '#commons/domain/send-pacing.ts';
import { LOGGED_OUT_BY_REQUEST } from '#commons/domain/session-status.ts';
import { IllegalTransitionError } from '#commons/domain/status-patch.ts';
import { mediaIntake } from '../media/incoming-media.ts';
import { mediaSender } from '../media/media-sender.ts';
import type { SessionAuth } from '../ports/auth-state-store.ts';
import { drainSocket } from './drain.ts';
import { KeyActivity } from './key-activity.ts';
import {
  type CloseError,
  type EndMode,
  type ManagedSessionDeps,
  STATE_WRITE_FAILED,
} from './managed-session-deps.ts';
import { phoneOf } from './message-events.ts';
import { attachMessageIntake, receiptGate } from './message-intake.ts';
import type { GatedSocketClient, ReceiptGate } from './receipt-gate.ts';
import { SendPacer } from './send-pacer.ts';
import { MessageIds, type OutgoingMessage, sendPaced } from './send-text.ts';
import { SessionNotConnectedError } from './session-errors.ts';
import { SessionEvents } from './session-events.ts';
import { createSocket } from './socket-factory.ts';
import { StatusWriter } from './status-writer.ts';

export type { EndMode, ManagedSessionDeps } from './managed-session-deps.ts';
export { InvalidRecipientError, SessionDrainingError, SessionNotConnectedError } from './session-errors.ts';
export type { SocketSettings } from './socket-factory.ts';

/**
 * One WhatsApp session on this host: a Baileys socket, its reconnects by the
 * disconnect policy, its status on the session record (fenced writes through
 * the status model) and its events through the publisher.
 */
export class ManagedSession {
  private sock: WASocket | undefined;
  private connected = false;
  private ending = false;
  private attempt = 0;
  private qrSeq = 0;
  /** A QR was shown on the current socket: a 408 then means its refs ran out, not a lost connection. */
  private qrOnSocket = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Holds the socket's outgoing frames while an incoming message's event, or a frame's keys, are not durable. */
  private gate: ReceiptGate | undefined;
  /** Status writes and their events, in order. */
  private readonly ops = new SerialQueue();
  readonly sent = new MessageIds();
  private readonly activity: KeyActivity;
  private readonly events: SessionEvents;
  private readonly status: StatusWriter;
  private readonly pacer: SendPacer;

  constructor(private readonly deps: ManagedSessionDeps) {
    this.activity = new KeyActivity(deps.sessionId);
    this.events = new SessionEvents(deps.tenantId, deps.sessionId, deps.events);
    this.status = new StatusWriter(deps.sessionId, deps.fence, deps.ownership, this.events, deps.initial);
    this.pacer = new SendPacer(deps.pacing ?? DEFAULT_SEND_PACING);
  }

  get sessionId(): string {
    return this.deps.sessionId;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  get epoch(): number {
    return this.deps.fence.epoch;
  }

  /** S3 and pointer writes of this session's auth state so far. */
  get authStats(): Readonly<SessionAuth['stats']> {
    return this.deps.auth.stats;
  }

  start(): void {
    this.deps.logger.info({ sessionId: this.sessionId, epoch: this.epoch }, 'session starting');
    this.enqueue(() => this.status.apply({ type: 'HOST_STARTED' }));
    this.connect();
  }

  private connect(): void {
    if (this.ending) return;
    const gate = receiptGate(this.deps.metrics, this.deps.logger, this.sessionId);
    const auth = this.activity.tracked(this.deps.auth); // key access marks Baileys at work (see drain)
    const sock = createSocket(this.deps.socket, auth, this.sent, this.sessionId, gate.commits);
    gate.attach(sock.ws as unknown as GatedSocketClient);
    this.sock = sock;
    this.gate = gate;
    this.qrOnSocket = false;
    sock.ev.on('creds.update', () => void this.deps.auth.saveCreds().catch(() => undefined));
    sock.ev.on('connection.update', (update) => {
      if (update.connection === 'close') gate.close();
      if (sock !== this.sock) return;
      if (update.qr) this.onQr(update.qr);
      if (update.connection === 'open') this.onOpen(sock);
      if (update.connection === 'close') this.onClose(update.lastDisconnect?.error as CloseError | undefined);
    });
    attachMessageIntake(sock, {
      sessionId: this.sessionId,
      gate,
      events: this.events,
      metrics: this.deps.metrics,
      sent: this.sent,
      touch: () => this.activity.touch(),
      storageFailedAt: () => this.deps.auth.lastStorageFailureAt,
      logger: this.deps.logger,
      close: () => {
        if (sock === this.sock) sock.ws.close().catch(() => undefined);
      },
      ...mediaIntake(this.deps.media, this.deps),
    });
  }

  private onQr(qr: string): void {
    this.qrSeq += 1;
    this.qrOnSocket = true;
    const lifetimeMs = this.deps.socket.qrTimeoutMs ?? (this.qrSeq === 1 ? 60_000 : 20_000); // Baileys' defaults
    const expiresAt = new Date(Date.now() + lifetimeMs).toISOString();
    const qrState = { value: qr, seq: this.qrSeq, expiresAt };
    const { event } = connectionOutcome({ kind: 'qr' });
    this.enqueue(async () => {
      if (event) await this.status.apply(event, { qr: qrState });
      this.events.publish('qr', { qr, qrSeq: qrState.seq, expiresAt });
    });
  }

  private onOpen(sock: WASocket): void {
    this.attempt = 0;
    this.connected = true;
    const user = sock.user;
    const me = user?.id
      ? { jid: user.id, phoneNumber: phoneOf(user.id) ?? '', ...(user.name && { name: user.name }) }
      : undefined;
    this.deps.logger.info({ sessionId: this.sessionId }, 'session connected');
    const { event } = connectionOutcome({ kind: 'open' });
    this.enqueue(async () => {
      if (event) await this.status.apply(event, { qr: null, ...(me && { me }) });
      this.events.publish('session:connected', { ...(me && { me }) });
      this.deps.onConnected?.(this.sessionId);
    });
  }

  private onClose(error: CloseError | undefined): void {
    this.connected = false;
    this.sock = undefined;
    if (this.ending) return;
    const statusCode = error?.output?.statusCode;
    this.attempt += 1;
    const outcome = connectionOutcome(
      {
        kind: 'close',
        statusCode,
        errorCode: error?.data?.code,
        attempt: this.attempt,
        awaitingScan: this.qrOnSocket && !this.deps.auth.linked,
        random: (this.deps.random ?? Math.random)(),
      },
      this.deps.policy ?? DEFAULT_DISCONNECT_POLICY,
    );
    const decision = outcome.disconnect;
    if (!decision) return;
    this.deps.logger.info(
      { sessionId: this.sessionId, statusCode, decision: decision.action, reason: decision.reason.code },
      'session disconnected',
    );
    const disconnected = (willReconnect: boolean, retryInMs?: number): void =>
      this.events.publish('session:disconnected', {
        statusCode: statusCode ?? null,
        reason: decision.reason,
        willReconnect,
        ...(retryInMs !== undefined && { retryInMs }),
      });
    if (outcome.reconnectInMs !== undefined) {
      this.reconnect(outcome, outcome.reconnectInMs, disconnected);
      return;
    }
    this.ending = true;
    this.enqueue(async () => {
      if (outcome.wipe) await this.deps.auth.wipe();
      if (outcome.event)
        await this.status.apply(outcome.event, { qr: null, ...(outcome.wipe && { me: null }) }, 'STOPPED');
      if (decision.action === 'logged-out') {
        this.events.publish('session:logged-out', { reason: decision.reason });
        return;
      }
      disconnected(false);
      if (decision.action === 'fail')
        this.events.publish('session:error', { code: decision.reason.code, reason: decision.reason });
    });
    void this.ops.idle().finally(() => this.deps.onEnded(this.sessionId));
  }

  private reconnect(
    outcome: ConnectionOutcome,
    delayMs: number,
    disconnected: (willReconnect: boolean, retryInMs?: number) => void,
  ): void {
    this.deps.metrics.reconnects.inc();
    this.enqueue(async () => {
      if (outcome.event) await this.status.apply(outcome.event);
      disconnected(true, delayMs);
    });
    if (this.deps.auth.forgetUnfinishedPairing()) void this.deps.auth.saveCreds().catch(() => undefined);
    // Creds durable before the next login; no new socket while the lease is lost (it would replace a peer's).
    const ready = this.deps.auth.flush().then(() => this.deps.whenActing?.());
    void ready.then(() => {
      this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
    });
  }

  /** Messages waiting for their turn to go out. */
  get sendQueueDepth(): number {
    return this.pacer.depth;
  }

  sendText = (to: string, text: string, messageId: string) => this.send({ to, text, messageId });
  /** A text or media message, paced in order with the session's other sends. */
  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    const sender = mediaSender(this.deps.media, this.deps);
    return sendPaced(this.sessionId, this.pacer, this.deps.metrics, this.current, this.sent, message, sender);
  }
  readonly current = () => (this.connected ? { sock: this.sock, gate: this.gate } : {});

  async requestPairingCode(phoneNumber: string): Promise<string> {
    const sock = this.sock;
    if (!sock || this.deps.auth.linked)
      throw new SessionNotConnectedError('pairing needs a session waiting for a link');
    return sock.requestPairingCode(phoneNumber);
  }

  async end(mode: EndMode): Promise<void> {
    if (this.ending && mode !== 'logout') return this.ops.idle();
    this.ending = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const sock = this.sock;
    this.sock = undefined;
    this.connected = false;
    if ((mode === 'logout' || mode === 'unlink') && sock) {
      await sock
        .logout()
        .catch((err: unknown) => this.deps.logger.warn({ err, sessionId: this.sessionId }, 'logout failed'));
    } else if (sock) {
      await drainSocket(sock, this.activity, () => Boolean(this.gate?.isHolding));
      await this.deps.auth.flush();
      sock.end(undefined);
    }
    if (mode === 'unlink') return;
    this.enqueue(async () => {
      await this.deps.auth.flush();
      if (mode === 'logout') {
        await this.deps.auth.wipe();
        await this.status.apply(
          { type: 'LOGGED_OUT', reason: LOGGED_OUT_BY_REQUEST },
          { qr: null, me: null, clearLogoutRequest: true },
          'STOPPED',
        );
        this.events.publish('session:logged-out', { reason: LOGGED_OUT_BY_REQUEST });
      } else if (mode === 'stop') {
        await this.status.apply({ type: 'STOPPED' }, { qr: null });
      }
    });
    await this.ops.idle();
  }

  private enqueue(op: () => Promise<void>): void {
    void this.ops.run(() =>
      op().catch((err: unknown) => {
        if (err instanceof FencedError) return this.onFenced();
        if (err instanceof IllegalTransitionError) {
          // A host bug, not the tenant's: keep the record as it was and say so in the log.
          this.deps.logger.error({ err, sessionId: this.sessionId }, 'status transition refused');
          return;
        }
        // The cause (it can name tables, ARNs, the account) stays in the log; tenants get a stable code.
        this.deps.logger.error({ err, sessionId: this.sessionId }, 'session write failed');
        this.events.publish('session:error', STATE_WRITE_FAILED);
      }),
    );
  }

  /** Another owner holds the session now: close without logging out and stop writing. */
  onFenced(): void {
    if (this.ending && !this.sock) return;
    this.deps.logger.warn({ sessionId: this.sessionId, epoch: this.epoch }, 'session fenced');
    this.ending = true;
    this.deps.auth.fence();
    const sock = this.sock;
    this.sock = undefined;
    this.connected = false;
    sock?.end(undefined);
    this.deps.onEnded(this.sessionId);
  }
}
