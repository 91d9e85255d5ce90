import WebSocket from 'ws';

const RECONNECT_MS = 250;

/**
 * A WebSocket client of one session as the README tells tenants to write
 * one: subscribe with `after` = the last seq it holds, again on every
 * reconnect and whenever a seq skips one (a post the gateway lost), and drop
 * repeats by seq. Records every seq it saw, first arrival first.
 */
export class ChaosSubscriber {
  /** Log seqs in the order they first arrived. */
  readonly seen: number[] = [];
  private readonly have = new Set<number>();
  private socket: WebSocket | undefined;
  private stopped = false;
  private resubscribes = 0;
  /** A subscribe is out and its `subscribed` ack not back: holes are expected until it is. */
  private pending = false;

  constructor(
    private readonly url: string,
    private readonly token: string,
    readonly sessionId: string,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.connect();
  }

  private upTo = 0;
  private highest = 0;

  /** The highest seq up to which nothing is missing. */
  contiguous(): number {
    while (this.have.has(this.upTo + 1)) this.upTo++;
    return this.upTo;
  }

  get reconnects(): number {
    return this.resubscribes;
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.url, ['zapfleet.v1', `bearer.${this.token}`]);
    this.socket = socket;
    socket.on('open', () => this.subscribe());
    socket.on('message', (data: Buffer) => this.onMessage(data));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket || this.stopped) return;
      this.resubscribes++;
      setTimeout(() => this.connect(), RECONNECT_MS);
    });
  }

  private subscribe(): void {
    this.pending = true;
    this.socket?.send(
      JSON.stringify({ action: 'subscribe', sessionId: this.sessionId, after: this.contiguous() }),
    );
  }

  private onMessage(data: Buffer): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    } catch {
      return;
    }
    if (message.type === 'error') {
      this.log(`ws subscriber ${this.sessionId}: ${String(message.code)}`);
      const retryAfter = Number(message.retryAfter ?? 1);
      setTimeout(() => this.subscribe(), Math.max(1, retryAfter) * 1000);
      return;
    }
    if (message.type === 'subscribed') {
      this.pending = false;
      // A replay page stopped short of the log's end, or a hole remains: read on.
      if (message.more === true) this.subscribe();
      else this.replayHole();
      return;
    }
    const seq = message.seq;
    if (typeof seq !== 'number' || message.snapshot || message.sessionId !== this.sessionId) return;
    if (this.have.has(seq)) return;
    this.have.add(seq);
    this.seen.push(seq);
    this.highest = Math.max(this.highest, seq);
    this.replayHole();
  }

  /** A seq past a hole, with no replay on its way: a live post was lost (the gateway restarting). */
  private replayHole(): void {
    if (this.pending) return;
    if (this.highest > this.contiguous()) this.subscribe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.terminate();
    });
  }
}
