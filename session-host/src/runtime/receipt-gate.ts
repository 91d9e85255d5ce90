import type { CommitBeforeWire } from './commit-before-wire.ts';
import type { KeyWaits } from './key-entries.ts';

/** The part of Baileys' socket client the gate needs (`sock.ws`): the raw `ws` socket and the frame event. */
export interface GatedSocketClient {
  readonly socket: RawSocket | null;
  on(event: 'frame', listener: (frame: unknown) => void): unknown;
  /** Baileys waits for each query's answer on a `TAG:<id>` listener: their count is the queries in flight. */
  eventNames?(): (string | symbol)[];
}

interface RawSocket {
  send: (data: unknown, ...rest: unknown[]) => void;
  terminate?: () => void;
}

type SendCallback = (err?: Error) => void;

/** The prefix of a hold that waits for a commit (message ids never start with a NUL). */
const COMMIT_HOLD = '\0commit-';

export interface ReceiptGateOptions {
  /** An incoming message that never reaches `messages.upsert` (nacked, undecryptable) stops holding after this. */
  readonly fallbackMs: number;
  /** Called when a message stopped holding by the fallback instead of by its event becoming durable. */
  readonly onFallback: () => void;
  /** How long a message held the socket's frames (ms), once released. */
  readonly onReleased?: (heldMs: number) => void;
  /** The keys a frame depends on, committed before it leaves. */
  readonly commits?: CommitBeforeWire;
  /** A frame's keys could not be committed: the frame never leaves, and the socket is ended. */
  readonly onUncommitted?: () => void;
}

/** What holds a socket's outgoing frames right now, and what its key transactions wait on. */
export interface SocketWaits {
  /** Incoming messages whose events are not yet durable. */
  readonly messageHolds: number;
  /** Frames waiting for their keys to be committed. */
  readonly commitHolds: number;
  /** How long the oldest hold has held every frame (ms). */
  readonly oldestHoldMs: number;
  /** Frames held. */
  readonly heldFrames: number;
  /** Queries sent to WhatsApp whose answer has not come. */
  readonly pendingQueries: number;
  readonly keys?: KeyWaits;
}

/** WhatsApp did not ack a stanza in time though the socket is open. */
export class AckTimeoutError extends Error {
  override readonly name = 'AckTimeoutError';
}

export class GateClosedError extends Error {
  override readonly name = 'GateClosedError';
}

/**
 * Baileys sends a message's receipt to WhatsApp before it emits the message
 * to us (rc14 `handleMessage`: decrypt, `sendReceipt`, then `upsertMessage`),
 * and WhatsApp never redelivers a receipted message. So while an incoming
 * message's event is not yet durable, every outgoing frame of the socket is
 * held, in order, and written once the event is in the log. Frames are held
 * below Baileys' noise layer (the raw `ws` send), because Baileys captures its
 * own send functions at construction; their callbacks are answered at once so
 * Baileys goes on to emit the message, which is what makes the event durable.
 * If the socket closes first, the held frames are dropped: the receipt never
 * left, and WhatsApp delivers the message again.
 *
 * A frame sent from inside a key transaction is held the same way until the
 * keys it depends on are committed (`commits`); if that commit fails, the
 * frame never leaves and the socket is ended.
 */
export class ReceiptGate {
  private readonly holding = new Map<string, { timer: NodeJS.Timeout | undefined; since: number }>();
  private held: { data: unknown; rest: unknown[] }[] = [];
  private send: RawSocket['send'] | undefined;
  private socket: RawSocket | undefined;
  private commitHolds = 0;
  private client: GatedSocketClient | undefined;
  /** Sends waiting for WhatsApp's ack, by message id (one per send in flight: bounded by the session's pacer). */
  private readonly acks = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  private accepted = 0;
  private handedOver = 0;
  private closed = false;
  private waiters: { upTo: number; resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(private readonly options: ReceiptGateOptions) {}

  /** Wraps the raw socket's send and watches incoming frames; call right after `makeWASocket`. */
  attach(client: GatedSocketClient): void {
    const socket = client.socket;
    if (!socket) throw new Error('the Baileys socket has no raw WebSocket yet');
    const send = socket.send.bind(socket);
    this.send = send;
    this.socket = socket;
    this.client = client;
    socket.send = (data: unknown, ...rest: unknown[]) => this.onSend(data, rest);
    client.on('frame', (frame) => {
      const id = incomingMessageId(frame);
      if (id) this.hold(id);
      const acked = serverAckId(frame);
      if (acked) this.acks.get(acked)?.resolve();
    });
  }

  /**
   * Resolves once WhatsApp acks the message stanza sent under `id` (its
   * `<ack class=message>`): only then has the message left this host for
   * good. Handed to the socket is not enough: a socket WhatsApp has already
   * replaced (the session moved on while this host was paused) takes the
   * frame and drops it. Rejects when the socket closes or after `timeoutMs`.
   * Call before sending, so a fast ack is not missed.
   */
  whenAcked(id: string, timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new GateClosedError('the socket closed'));
    const promise = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new AckTimeoutError(`WhatsApp did not acknowledge message ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      const settle = () => {
        clearTimeout(timer);
        this.acks.delete(id);
      };
      this.acks.set(id, {
        resolve: () => {
          settle();
          resolve();
        },
        reject: (err) => {
          settle();
          reject(err);
        },
      });
    });
    // The caller awaits it only once its frame is flushed; a send that fails first must not leave it unhandled.
    promise.catch(() => undefined);
    return promise;
  }

  /** What the socket's key store must be wrapped with for `commits` to see its transactions. */
  get commits(): CommitBeforeWire | undefined {
    return this.options.commits;
  }

  /** Frames held right now (a gauge for /metrics). */
  get heldFrames(): number {
    return this.held.length;
  }

  get isHolding(): boolean {
    return this.holding.size > 0;
  }

  /** What holds frames now (a stalled send logs it: a hold that never clears is ours, not WhatsApp's). */
  waits(): SocketWaits {
    let commitHolds = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [id, held] of this.holding) {
      if (id.startsWith(COMMIT_HOLD)) commitHolds += 1;
      oldest = Math.min(oldest, held.since);
    }
    const keys = this.options.commits?.waits();
    return {
      messageHolds: this.holding.size - commitHolds,
      commitHolds,
      oldestHoldMs: Number.isFinite(oldest) ? Math.round(performance.now() - oldest) : 0,
      heldFrames: this.held.length,
      pendingQueries: (this.client?.eventNames?.() ?? []).filter((name) => String(name).startsWith('TAG:'))
        .length,
      ...(keys && { keys }),
    };
  }

  /** Holds outgoing frames until `release(id)` (or the fallback). */
  hold(id: string): void {
    if (this.closed || this.holding.has(id)) return;
    const timer = setTimeout(() => {
      this.options.onFallback();
      this.release(id);
    }, this.options.fallbackMs);
    timer.unref();
    this.holding.set(id, { timer, since: performance.now() });
  }

  /**
   * The message reached us and its event is being prepared (its media is
   * downloading): hold its receipt up to `ms` instead of the short fallback.
   */
  extend(id: string, ms: number): void {
    const held = this.holding.get(id);
    if (!held) return;
    clearTimeout(held.timer);
    const timer = setTimeout(() => {
      this.options.onFallback();
      this.release(id);
    }, ms);
    timer.unref();
    this.holding.set(id, { timer, since: held.since });
  }

  /** The message's event is durable (or it needs none): its receipt may go. */
  release(id: string): void {
    const held = this.holding.get(id);
    if (!held) return;
    clearTimeout(held.timer);
    this.holding.delete(id);
    if (held.timer) this.options.onReleased?.(performance.now() - held.since);
    if (this.holding.size === 0) this.flush();
  }

  /** Resolves once every frame accepted so far has been handed to the socket; rejects if the socket closed first. */
  whenFlushed(): Promise<void> {
    if (this.closed) return Promise.reject(new GateClosedError('the socket closed'));
    const upTo = this.accepted;
    if (this.handedOver >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ upTo, resolve, reject }));
  }

  /** The socket is gone: held frames are dropped (their receipts never left), waiters fail, its keys freeze. */
  close(): number {
    this.closed = true;
    this.options.commits?.close();
    for (const held of this.holding.values()) clearTimeout(held.timer);
    this.holding.clear();
    const dropped = this.held.length;
    this.held = [];
    for (const waiter of this.waiters.splice(0)) waiter.reject(new GateClosedError('the socket closed'));
    for (const ack of [...this.acks.values()]) ack.reject(new GateClosedError('the socket closed'));
    return dropped;
  }

  private onSend(data: unknown, rest: unknown[]): void {
    this.accepted += 1;
    const commit = this.closed ? undefined : this.options.commits?.beforeFrame();
    if (commit) this.holdUntil(commit);
    if (this.closed || (this.holding.size === 0 && this.held.length === 0)) {
      this.handedOver = this.accepted;
      this.send?.(data, ...rest);
      return;
    }
    const callback = rest.find((r): r is SendCallback => typeof r === 'function');
    this.held.push({ data, rest: rest.filter((r) => typeof r !== 'function') });
    if (callback) queueMicrotask(() => callback());
  }

  /** Holds every frame from now until `commit` resolves; no fallback lets an uncommitted frame out. */
  private holdUntil(commit: Promise<void>): void {
    this.commitHolds += 1;
    const id = `${COMMIT_HOLD}${this.commitHolds}`;
    this.holding.set(id, { timer: undefined, since: performance.now() });
    commit.then(
      () => this.release(id),
      () => {
        if (this.closed) return;
        this.options.onUncommitted?.();
        // Baileys sees its socket end and reconnects; the held frames are dropped on close.
        this.socket?.terminate?.();
      },
    );
  }

  private flush(): void {
    const frames = this.held;
    this.held = [];
    for (const frame of frames) {
      this.handedOver += 1;
      this.send?.(frame.data, ...frame.rest, ignoreError);
    }
    this.handedOver = this.accepted;
    const ready = this.waiters.filter((w) => w.upTo <= this.handedOver);
    this.waiters = this.waiters.filter((w) => w.upTo > this.handedOver);
    for (const waiter of ready) waiter.resolve();
  }
}

/** A write error of a flushed frame surfaces as the socket closing, which Baileys already handles. */
function ignoreError(): void {}

function serverAckId(frame: unknown): string | undefined {
  if (typeof frame !== 'object' || frame === null || frame instanceof Uint8Array) return undefined;
  const node = frame as { tag?: unknown; attrs?: Record<string, unknown> };
  if (node.tag !== 'ack' || node.attrs?.class !== 'message') return undefined;
  const id = node.attrs?.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

function incomingMessageId(frame: unknown): string | undefined {
  if (typeof frame !== 'object' || frame === null || frame instanceof Uint8Array) return undefined;
  const node = frame as { tag?: unknown; attrs?: Record<string, unknown> };
  if (node.tag !== 'message') return undefined;
  const id = node.attrs?.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
