import { jidEncode, makeWASocket, type WASocket, type WAVersion } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import {
  DEFAULT_DISCONNECT_POLICY,
  type DisconnectPolicyConfig,
  decideOnDisconnect,
} from '#commons/domain/disconnect-policy.ts';
import type { EventType } from '#commons/domain/events.ts';
import { parseRecipient } from '#commons/domain/recipient.ts';
import { LOGGED_OUT_BY_REQUEST, type StatusReason } from '#commons/domain/session-status.ts';
import { type Fence, FencedError } from '../auth-state/fence.ts';
import type { S3AuthState } from '../auth-state/s3-auth-state.ts';
import type { HostMetrics } from '../metrics.ts';
import type { DynamoDbSessionOwnership, StatusPatch } from '../storage/dynamodb-session-ownership.ts';
import type { EventQueues } from './event-queue.ts';
import { messageEventData, messageEventId, messageStatusData, phoneOf } from './message-events.ts';
import { GateClosedError, type GatedSocketClient, ReceiptGate } from './receipt-gate.ts';

export interface SocketSettings {
  readonly waWebSocketUrl?: string | undefined;
  readonly version?: WAVersion | undefined;
  readonly keepAliveIntervalMs?: number | undefined;
  readonly connectTimeoutMs?: number | undefined;
  /** How long each QR lives; Baileys' default is 60 s for the first and 20 s for each refresh. */
  readonly qrTimeoutMs?: number | undefined;
  /** Baileys' own logger (separate level: it is chatty). */
  readonly baileysLogger: Logger;
}

export interface ManagedSessionDeps {
  readonly sessionId: string;
  readonly tenantId: string;
  readonly fence: Fence;
  readonly auth: S3AuthState;
  readonly ownership: DynamoDbSessionOwnership;
  /** This session's events, appended in order with bounded retries (message events never dropped). */
  readonly events: Pick<EventQueues, 'push'>;
  readonly logger: Logger;
  readonly metrics: HostMetrics;
  readonly socket: SocketSettings;
  readonly policy?: DisconnectPolicyConfig;
  readonly random?: () => number;
  /** The session ended on its own (stopped, logged out, failed, fenced): the host forgets it. */
  readonly onEnded: (sessionId: string) => void;
}

const DRAIN_QUIET_MS = 400;
/** A held receipt of a message that never reaches `messages.upsert` (nacked, undecryptable) goes after this. */
const RECEIPT_FALLBACK_MS = 2_000;
const DRAIN_MAX_MS = 5_000;

/** What Baileys puts in `lastDisconnect.error` (a Boom). */
interface CloseError {
  readonly output?: { readonly statusCode?: number };
}

export class SessionDrainingError extends Error {
  override readonly name = 'SessionDrainingError';
  constructor(sessionId: string) {
    super(`session ${sessionId} is being handed off`);
  }
}

export class SessionNotConnectedError extends Error {
  override readonly name = 'SessionNotConnectedError';
}

export class InvalidRecipientError extends Error {
  override readonly name = 'InvalidRecipientError';
}

const STATE_WRITE_FAILED = {
  code: 'STATE_WRITE_FAILED',
  message: 'the session state could not be saved; the host retries on its next reconcile',
} as const;

/** stop: STOPPED; logout: unlink + wipe; release: close for a handoff or restart; unlink: the record is gone. */
type EndMode = 'stop' | 'logout' | 'release' | 'unlink';

/**
 * One WhatsApp session on this host: a Baileys socket, its reconnects by the
 * disconnect policy, its status on the session record (fenced writes) and its
 * events through the publisher.
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
  /** Holds the current socket's outgoing frames while an incoming message's event is not yet durable. */
  private gate: ReceiptGate | undefined;
  private ops: Promise<unknown> = Promise.resolve();
  private readonly sent = new Set<string>();
  private lastStatus: string | undefined;
  private lastActivityAt = 0;
  /** Key reads and commits in flight (a commit can outlast the quiet period under load). */
  private keyOps = 0;
  /** Set while handing off: no new decrypt may commit keys (WhatsApp redelivers what was not receipted). */
  private draining = false;

  constructor(private readonly deps: ManagedSessionDeps) {}

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
  get authStats(): Readonly<S3AuthState['stats']> {
    return this.deps.auth.stats;
  }

  start(): void {
    this.deps.logger.info({ sessionId: this.sessionId, epoch: this.epoch }, 'session starting');
    this.enqueue(() => this.write({ status: 'STARTING', statusReason: null }));
    this.connect();
  }

  private connect(): void {
    if (this.ending) return;
    const { socket } = this.deps;
    const state = this.deps.auth.state;
    const touch = (): void => {
      this.lastActivityAt = Date.now();
    };
    const track = <T>(op: Promise<T>): Promise<T> => {
      touch();
      this.keyOps += 1;
      return op.finally(() => {
        this.keyOps -= 1;
        touch();
      });
    };
    const sock = makeWASocket({
      // Key reads and writes mark Baileys at work on a frame (see drain()).
      auth: {
        creds: state.creds,
        keys: {
          get: (type, ids) => {
            if (this.draining) return Promise.reject(new SessionDrainingError(this.sessionId));
            return track(Promise.resolve(state.keys.get(type, ids)));
          },
          set: (data) => {
            if (this.draining) return Promise.reject(new SessionDrainingError(this.sessionId));
            return track(Promise.resolve(state.keys.set(data)));
          },
        },
      },
      logger: socket.baileysLogger,
      ...(socket.waWebSocketUrl && { waWebSocketUrl: socket.waWebSocketUrl }),
      ...(socket.version && { version: socket.version }),
      ...(socket.keepAliveIntervalMs && { keepAliveIntervalMs: socket.keepAliveIntervalMs }),
      ...(socket.connectTimeoutMs && { connectTimeoutMs: socket.connectTimeoutMs }),
      ...(socket.qrTimeoutMs && { qrTimeout: socket.qrTimeoutMs }),
      markOnlineOnConnect: false,
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
      // Baileys' default (10 × 3 s) stalls a chat ~27 s on a storage outage; fail faster and let the sender retry.
      transactionOpts: { maxCommitRetries: 3, delayBetweenTriesMs: 300 },
      generateHighQualityLinkPreview: false,
    });
    const gate = new ReceiptGate({
      fallbackMs: RECEIPT_FALLBACK_MS,
      onFallback: () => this.deps.metrics.receiptGateFallbacks.inc(),
      onReleased: (ms) => this.deps.metrics.receiptHoldMs.observe(ms),
    });
    gate.attach(sock.ws as unknown as GatedSocketClient);
    this.sock = sock;
    this.gate = gate;
    this.qrOnSocket = false;
    sock.ev.on('creds.update', () => {
      this.deps.auth.saveCreds().catch(() => undefined);
    });
    sock.ev.on('connection.update', (update) => {
      if (update.connection === 'close') gate.close();
      if (sock !== this.sock) return;
      if (update.qr) this.onQr(update.qr);
      if (update.connection === 'open') this.onOpen(sock);
      if (update.connection === 'close') this.onClose(update.lastDisconnect?.error as CloseError | undefined);
    });
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      touch();
      for (const msg of messages) {
        const id = msg.key.id ?? '';
        const data =
          msg.key.fromMe && this.sent.has(id) ? undefined : messageEventData(msg, type === 'append');
        if (!data) {
          gate.release(id);
          continue;
        }
        this.deps.metrics.messagesIn.inc();
        // The receipt leaves only once the event is in the log (see ReceiptGate).
        this.deps.events
          .push(this.newEvent('session:message', data, messageEventId(this.sessionId, msg.key)), true)
          .then(
            () => gate.release(id),
            (err: unknown) => this.messageNotRecorded(sock, err),
          );
      }
    });
    sock.ev.on('messages.update', (updates) => {
      for (const update of updates) {
        const data = messageStatusData(update);
        if (data) this.publish('session:message-status', data);
      }
    });
  }

  private onQr(qr: string): void {
    this.qrSeq += 1;
    this.qrOnSocket = true;
    // Baileys keeps the first QR 60 s and each refresh 20 s unless told otherwise.
    const lifetimeMs = this.deps.socket.qrTimeoutMs ?? (this.qrSeq === 1 ? 60_000 : 20_000);
    const expiresAt = new Date(Date.now() + lifetimeMs).toISOString();
    const qrState = { value: qr, seq: this.qrSeq, expiresAt };
    this.enqueue(async () => {
      await this.write({ status: 'QR', qr: qrState });
      this.publish('qr', { qr, qrSeq: this.qrSeq, expiresAt });
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
    this.enqueue(async () => {
      await this.write({ status: 'CONNECTED', qr: null, statusReason: null, ...(me && { me }) });
      this.publish('session:connected', { ...(me && { me }) });
    });
  }

  private onClose(error: CloseError | undefined): void {
    this.connected = false;
    this.sock = undefined;
    if (this.ending) return;
    const statusCode = error?.output?.statusCode;
    this.attempt += 1;
    const decision = decideOnDisconnect(
      {
        statusCode,
        attempt: this.attempt,
        awaitingScan: this.qrOnSocket && !this.deps.auth.linked,
        random: (this.deps.random ?? Math.random)(),
      },
      this.deps.policy ?? DEFAULT_DISCONNECT_POLICY,
    );
    this.deps.logger.info(
      { sessionId: this.sessionId, statusCode, decision: decision.action, reason: decision.reason.code },
      'session disconnected',
    );
    const disconnected = (willReconnect: boolean, extra: Record<string, unknown> = {}): void =>
      this.publish('session:disconnected', {
        statusCode: statusCode ?? null,
        reason: decision.reason,
        willReconnect,
        ...extra,
      });
    if (decision.action === 'reconnect') {
      this.deps.metrics.reconnects.inc();
      this.enqueue(async () => {
        if (statusCode !== 515) await this.write({ status: 'DISCONNECTED', statusReason: decision.reason });
        disconnected(true, { retryInMs: decision.delayMs });
      });
      if (this.deps.auth.forgetUnfinishedPairing()) void this.deps.auth.saveCreds().catch(() => undefined);
      // Creds written during pairing must be durable before the next login uses them.
      void this.deps.auth.flush().then(() => {
        this.reconnectTimer = setTimeout(() => this.connect(), decision.delayMs);
      });
      return;
    }
    this.ending = true;
    this.enqueue(async () => {
      if (decision.action === 'logged-out') {
        await this.deps.auth.wipe();
        await this.write(
          { status: 'LOGGED_OUT', statusReason: decision.reason, qr: null, me: null },
          'STOPPED',
        );
        this.publish('session:logged-out', { reason: decision.reason });
      } else {
        const status = decision.action === 'stop' ? 'STOPPED' : 'FAILED';
        await this.write({ status, statusReason: decision.reason, qr: null }, 'STOPPED');
        disconnected(false);
        if (status === 'FAILED')
          this.publish('session:error', { code: decision.reason.code, reason: decision.reason });
      }
    });
    void this.ops.finally(() => this.deps.onEnded(this.sessionId));
  }

  /**
   * A message event could not be queued (the session's queue is full): close
   * the socket with its held receipts, so WhatsApp delivers the message again
   * once the log keeps up, instead of receipting a message with no event.
   */
  private messageNotRecorded(sock: WASocket, err: unknown): void {
    this.deps.logger.error({ err, sessionId: this.sessionId }, 'message event not recorded; closing socket');
    if (sock === this.sock) sock.ws.close().catch(() => undefined);
  }

  async sendText(to: string, text: string, messageId: string): Promise<{ messageId: string }> {
    const recipient = parseRecipient(to);
    if (!recipient) throw new InvalidRecipientError('expected a phone number, a user JID or a group JID');
    const sock = this.sock;
    const gate = this.gate;
    if (!sock || !gate || !this.connected)
      throw new SessionNotConnectedError(`session ${this.sessionId} is not connected`);
    if (this.sent.has(messageId)) return { messageId };
    const jid = jidEncode(recipient.user, recipient.server);
    this.sent.add(messageId);
    if (this.sent.size > 10_000) this.sent.delete(this.sent.values().next().value as string);
    try {
      await sock.sendMessage(jid, { text }, { messageId });
      // Held behind a receipt, the frame may still die with the socket: only a flushed frame counts as sent.
      await gate.whenFlushed();
    } catch (err) {
      this.sent.delete(messageId);
      if (err instanceof GateClosedError)
        throw new SessionNotConnectedError('the connection closed before the message left', { cause: err });
      throw err;
    }
    this.deps.metrics.messagesOut.inc();
    return { messageId };
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    const sock = this.sock;
    if (!sock || this.deps.auth.linked)
      throw new SessionNotConnectedError('pairing needs a session waiting for a link');
    return sock.requestPairingCode(phoneNumber);
  }

  async end(mode: EndMode): Promise<void> {
    if (this.ending && mode !== 'logout') return this.settled();
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
      await this.drain(sock);
      sock.end(undefined);
    }
    if (mode === 'unlink') return;
    this.enqueue(async () => {
      await this.deps.auth.flush();
      if (mode === 'logout') {
        await this.deps.auth.wipe();
        await this.write(
          {
            status: 'LOGGED_OUT',
            statusReason: LOGGED_OUT_BY_REQUEST,
            qr: null,
            me: null,
            clearLogoutRequest: true,
          },
          'STOPPED',
        );
        this.publish('session:logged-out', { reason: LOGGED_OUT_BY_REQUEST });
      } else if (mode === 'stop') {
        await this.write({ status: 'STOPPED', qr: null });
      }
    });
    await this.settled();
  }

  /**
   * Stops reading new frames and refuses key access to any frame Baileys had
   * queued but not started, while keeping the socket open until the ones
   * already committed got their receipt and their event: a message whose keys
   * were committed must not lose its event (the next owner cannot decrypt it
   * again). What is refused or not read is not receipted, so WhatsApp delivers
   * it again to whoever logs in next.
   */
  private async drain(sock: WASocket): Promise<void> {
    sock.ws.removeAllListeners('message');
    this.draining = true;
    // Quiet means no key access and no event for DRAIN_QUIET_MS (commit → receipt → upsert).
    const deadline = Date.now() + DRAIN_MAX_MS;
    this.lastActivityAt = Math.max(this.lastActivityAt, Date.now());
    const busy = (): boolean =>
      this.keyOps > 0 || Boolean(this.gate?.isHolding) || Date.now() - this.lastActivityAt < DRAIN_QUIET_MS;
    while (Date.now() < deadline && busy()) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.deps.auth.flush();
  }

  private async settled(): Promise<void> {
    await this.ops.catch(() => undefined);
  }

  private enqueue(op: () => Promise<void>): void {
    this.ops = this.ops
      .catch(() => undefined)
      .then(op)
      .catch((err: unknown) => {
        if (err instanceof FencedError) return this.onFenced();
        // The cause (it can name tables, ARNs, the account) stays in the log; tenants get a stable code.
        this.deps.logger.error({ err, sessionId: this.sessionId }, 'session write failed');
        this.publish('session:error', STATE_WRITE_FAILED);
      });
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

  private async write(patch: StatusPatch, desired?: 'STOPPED'): Promise<void> {
    await this.deps.ownership.writeStatus(this.sessionId, this.deps.fence, patch, desired);
    if (patch.status === this.lastStatus) return;
    this.lastStatus = patch.status;
    this.publish('session:status', {
      status: patch.status,
      ...(patch.statusReason && { reason: patch.statusReason as StatusReason }),
    });
  }

  private newEvent(type: EventType, data: Record<string, unknown>, eventId?: string) {
    return {
      type,
      tenantId: this.deps.tenantId,
      sessionId: this.sessionId,
      data,
      ...(eventId && { eventId }),
    };
  }

  /** Queued in order behind earlier events; the queue retries, counts and logs what fails. */
  private publish(type: EventType, data: Record<string, unknown>): void {
    this.deps.events.push(this.newEvent(type, data), false).catch(() => undefined);
  }
}
